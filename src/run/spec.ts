// The hardened container every step runs in. One function builds it, so every step (run, exec,
// install, heartbeat) gets the same walls; tests check their effect against a real daemon.

import { SkillwallError } from "../errors.js";
import { assertStepNetworkMode } from "../egress/network.js";
import type { SandboxLimits } from "../limits.js";
import type { BindMount, ContainerSpec } from "./container-client.js";
import { ownerLabelKeys, ownerLabels } from "./owner.js";
import { containerHome, type Workspace } from "./workspace.js";

export const labelKeys = {
  run: "skillwall.run",
  step: "skillwall.step",
  ...ownerLabelKeys,
} as const;

export const sandboxPath = "/usr/local/bin:/usr/bin:/bin";

/**
 * Docker's default masked paths (setting MaskedPaths replaces them, so they are all listed) plus
 * what tells a step about the host: the kernel command line (boot parameters, root device,
 * sometimes secrets), the loaded modules and the kernel symbol table.
 */
export const maskedPaths = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
  "/proc/cmdline",
  "/proc/modules",
  "/proc/kallsyms",
];

/** Docker's default read-only paths. */
export const readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

export interface StepSpecInput {
  image: string;
  runId: string;
  /** Step id or a short label ("exec"). */
  stepLabel: string;
  /** The resolved script (canonical rendering), run by a clean bash. */
  script: string;
  /** Extra env passed to this step only (the policy's variables the step expands). */
  env: ReadonlyMap<string, string>;
  limits: SandboxLimits;
  seccompJson: string;
  workspace?: Workspace;
  /** uid:gid inside the container; must own the workspace on the host. */
  user: { uid: number; gid: number };
  /** Docker network: "none", or the step's own internal "skillwall-…" network (egress). */
  networkMode?: string;
  workingDir?: string;
  /** Read-only extra mounts the supervisor made (the egress CA bundle). */
  readOnlyMounts?: readonly BindMount[];
  /** Instead of bash -c script: the argv to run (wrap). */
  command?: readonly string[];
  /** Pass the caller's stdin through (wrap). */
  stdin?: boolean;
}

/** Egress networks are named by internalNetworkSpec: "skillwall-<run>-step<n>". */
const stepNetworkName = /^skillwall-[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * "none", or a skillwall step network. `host`, `bridge`, `container:…` and any other network
 * are refused here, so no caller can build a step that shares or bypasses isolation.
 */
export function checkedNetworkMode(mode: string | undefined): string {
  const m = mode ?? "none";
  if (m === "none") return m;
  assertStepNetworkMode(m);
  if (!stepNetworkName.test(m)) {
    throw new SkillwallError("egress-network-mode", `network "${m}" is not a skillwall step network`, {
      fix: 'steps use "none" or their own internal skillwall network',
    });
  }
  return m;
}

function tmpfsOptions(bytes: number, extra: string[]): string {
  return ["rw", "noexec", "nosuid", "nodev", `size=${bytes}`, ...extra].join(",");
}

export function buildStepSpec(input: StepSpecInput): ContainerSpec {
  const l = input.limits;
  const env = [`HOME=${containerHome}`, `PATH=${sandboxPath}`];
  for (const [name, value] of input.env) env.push(`${name}=${value}`);
  const networkMode = checkedNetworkMode(input.networkMode);
  for (const m of input.readOnlyMounts ?? []) {
    if (!m.ReadOnly) throw new SkillwallError("spec-mount", `extra mount ${m.Target} must be read-only`);
  }
  const { uid, gid } = input.user;
  // RLIMIT_NPROC counts every process of the uid on the host, so it is only a backstop; the
  // pids cgroup is the real limit.
  const nproc = Math.max(1024, l.pids * 4);
  return {
    Image: input.image,
    Entrypoint: [],
    Cmd: input.command ? [...input.command] : ["/bin/bash", "--norc", "--noprofile", "-c", input.script],
    Env: env,
    User: `${uid}:${gid}`,
    WorkingDir: input.workingDir ?? input.workspace?.containerDir ?? containerHome,
    Hostname: "sandbox",
    Labels: {
      [labelKeys.run]: input.runId,
      [labelKeys.step]: input.stepLabel.slice(0, 200),
      ...ownerLabels(),
    },
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: input.stdin === true,
    OpenStdin: input.stdin === true,
    ...(input.stdin === true ? { StdinOnce: true } : {}),
    Tty: false,
    NetworkDisabled: networkMode === "none",
    StopTimeout: 1,
    HostConfig: {
      CapDrop: ["ALL"],
      CapAdd: [],
      SecurityOpt: ["no-new-privileges:true", `seccomp=${input.seccompJson}`],
      ReadonlyRootfs: true,
      MaskedPaths: [...maskedPaths],
      ReadonlyPaths: [...readonlyPaths],
      Privileged: false,
      Tmpfs: {
        "/tmp": tmpfsOptions(l.tmpBytes, []),
        // The home is scratch: writes outside the mounted skill directory succeed and vanish.
        // (wrap mounts the whole agent home there instead.)
        ...(input.workspace?.containerDir === containerHome
          ? {}
          : { [containerHome]: tmpfsOptions(l.tmpBytes, [`uid=${uid}`, `gid=${gid}`, "mode=0755"]) }),
      },
      Mounts: [
        ...(input.workspace
          ? [
              {
                Type: "bind" as const,
                Source: input.workspace.hostDir,
                Target: input.workspace.containerDir,
                ReadOnly: false,
                BindOptions: { Propagation: "rprivate" as const },
              },
            ]
          : []),
        ...(input.readOnlyMounts ?? []).map((m) => ({
          ...m,
          BindOptions: { Propagation: "rprivate" as const },
        })),
      ],
      Binds: [],
      PidsLimit: l.pids,
      Memory: l.memoryBytes,
      MemorySwap: l.memorySwapBytes,
      NanoCpus: Math.round(l.cpus * 1e9),
      Ulimits: [
        { Name: "fsize", Soft: l.fileSizeBytes, Hard: l.fileSizeBytes },
        { Name: "nofile", Soft: l.openFiles, Hard: l.openFiles },
        { Name: "nproc", Soft: nproc, Hard: nproc },
        { Name: "core", Soft: 0, Hard: 0 },
      ],
      IpcMode: "private",
      ShmSize: Math.min(l.tmpBytes, 64 * 1024 * 1024),
      Devices: [],
      Init: true,
      NetworkMode: networkMode,
      AutoRemove: false,
      // Under memory pressure the kernel should pick a step before anything on the host.
      OomScoreAdj: 500,
      // Output is read through attach and capped; Docker must not keep its own unbounded copy.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
