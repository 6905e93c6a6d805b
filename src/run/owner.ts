// Who owns a container or step network: the supervisor's pid, the kernel's start time of that
// pid and the boot id. A pid alone is not an identity (pids are reused, and after a reboot every
// pid is someone else's); pid + start time + boot id is. The reaper removes a leftover only
// when its owner is provably gone, never because of its age: a long `wrap` keeps its container.

import { readFileSync } from "node:fs";
import os from "node:os";

export const ownerLabelKeys = {
  pid: "skillwall.pid",
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot when the process started. */
  pidStart: "skillwall.pid-start",
  boot: "skillwall.boot",
  host: "skillwall.host",
  created: "skillwall.created",
} as const;

export interface OwnerProbe {
  hostname(): string;
  /** The kernel's boot id, "" when unreadable. */
  bootId(): string;
  /** Start time of a live pid (clock ticks after boot), undefined when there is no such process. */
  startTime(pid: number): string | undefined;
}

/** The start time field of /proc/<pid>/stat (the comm field may hold spaces and parentheses). */
export function statStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  // After "pid (comm) " come the fields from 3 (state) on; the start time is field 22.
  const fields = stat.slice(close + 2).split(" ");
  const start = fields[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

export const procOwnerProbe: OwnerProbe = {
  hostname: () => os.hostname(),
  bootId: () => {
    try {
      return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      return "";
    }
  },
  startTime: (pid) => {
    try {
      return statStartTime(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return undefined;
    }
  },
};

/** The labels naming this process as the owner. */
export function ownerLabels(probe: OwnerProbe = procOwnerProbe, now = Date.now()): Record<string, string> {
  return {
    [ownerLabelKeys.pid]: String(process.pid),
    [ownerLabelKeys.pidStart]: probe.startTime(process.pid) ?? "",
    [ownerLabelKeys.boot]: probe.bootId(),
    [ownerLabelKeys.host]: probe.hostname(),
    [ownerLabelKeys.created]: String(now),
  };
}

/**
 * Whether the owner named by these labels is provably dead. Anything unknown (another host,
 * labels missing or malformed, /proc unreadable) counts as alive: removing a live run's
 * container is worse than leaving a leftover.
 */
export function ownerDead(labels: Record<string, string>, probe: OwnerProbe = procOwnerProbe): boolean {
  if (labels[ownerLabelKeys.host] !== probe.hostname()) return false;
  const pid = Number(labels[ownerLabelKeys.pid]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const boot = labels[ownerLabelKeys.boot];
  const myBoot = probe.bootId();
  // Same host, another boot: every process of that boot is gone.
  if (boot !== undefined && boot !== "" && myBoot !== "" && boot !== myBoot) return true;
  const start = probe.startTime(pid);
  if (start === undefined) return true;
  const labelled = labels[ownerLabelKeys.pidStart];
  // Labels from before start times were recorded: the pid alone decides.
  if (labelled === undefined || labelled === "") return false;
  // The pid lives, but it is another process that got the same number.
  return start !== labelled;
}
