// Leftover containers of runs that crashed (the supervisor died before removing them). Every
// container carries the run id, the supervisor's pid and host, and its creation time.

import os from "node:os";
import { networkLabels } from "../egress/network.js";
import type { ContainerClient } from "./container-client.js";
import type { Firewall } from "./firewall.js";
import { bridgeOption } from "./networks.js";
import { labelKeys } from "./spec.js";

export interface ReapOptions {
  /** Containers older than this are removed whoever owns them (default 30 minutes). */
  maxAgeMs?: number;
  now?: number;
  hostname?: string;
  /** Whether a pid on this host is alive (tests replace it). */
  isAlive?: (pid: number) => boolean;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove containers of dead or stale runs; returns the ids removed. */
export async function reapStale(client: ContainerClient, opts: ReapOptions = {}): Promise<string[]> {
  const maxAge = opts.maxAgeMs ?? 30 * 60_000;
  const now = opts.now ?? Date.now();
  const host = opts.hostname ?? os.hostname();
  const alive = opts.isAlive ?? pidAlive;
  const rows = await client.list({ [labelKeys.run]: true });
  const doomed = rows.filter((c) => {
    const created = Number(c.labels[labelKeys.created] ?? c.created * 1000);
    if (Number.isFinite(created) && now - created > maxAge) return true;
    const pid = Number(c.labels[labelKeys.pid]);
    // Only a pid on this host says anything; elsewhere the age rule decides.
    return (
      c.labels[labelKeys.host] === host &&
      Number.isInteger(pid) &&
      pid > 0 &&
      pid !== process.pid &&
      !alive(pid)
    );
  });
  await Promise.all(doomed.map((c) => client.remove(c.id).catch(() => undefined)));
  return doomed.map((c) => c.id);
}

/** Kill and remove every container of one run (SIGINT/SIGTERM, or the end of a run). */
export async function removeRunContainers(client: ContainerClient, runId: string): Promise<string[]> {
  const rows = await client.list({ [labelKeys.run]: runId });
  await Promise.all(rows.map((c) => client.remove(c.id).catch(() => undefined)));
  return rows.map((c) => c.id);
}

/**
 * Egress leftovers of crashed runs: step networks whose supervisor is dead (or that are older
 * than maxAgeMs), and host firewall rules of step bridges that no network owns any more.
 * Containers go first (reapStale), since a network with endpoints cannot be removed.
 */
export async function reapStaleNetworks(
  client: ContainerClient,
  firewall: Firewall,
  opts: ReapOptions = {},
): Promise<string[]> {
  const networks = client.networks?.();
  if (!networks) return [];
  const maxAge = opts.maxAgeMs ?? 30 * 60_000;
  const now = opts.now ?? Date.now();
  const host = opts.hostname ?? os.hostname();
  const alive = opts.isAlive ?? pidAlive;
  // Rules first, then networks: a rule seen now belongs to a network that already existed.
  const rules = await firewall.leftovers().catch(() => []);
  const rows = await networks.list({ [networkLabels.role]: "egress" });
  const doomed = rows.filter((n) => {
    const created = Number(n.labels[labelKeys.created]);
    if (Number.isFinite(created) && now - created > maxAge) return true;
    const pid = Number(n.labels[labelKeys.pid]);
    return (
      n.labels[labelKeys.host] === host &&
      Number.isInteger(pid) &&
      pid > 0 &&
      pid !== process.pid &&
      !alive(pid)
    );
  });
  const doomedIds = new Set(doomed.map((n) => n.id));
  const liveBridges = new Set(rows.filter((n) => !doomedIds.has(n.id)).map((n) => n.options[bridgeOption]));
  for (const n of doomed) {
    for (const c of await client
      .list({ [labelKeys.run]: n.labels[networkLabels.run] ?? "" })
      .catch(() => [])) {
      await client.remove(c.id).catch(() => undefined);
    }
    await networks.remove(n.id).catch(() => undefined);
  }
  for (const r of rules)
    if (!liveBridges.has(r.bridge)) await firewall.undo([r.remove]).catch(() => undefined);
  return doomed.map((n) => n.id);
}

/** Remove every step network of one run and its firewall rules (SIGINT/SIGTERM, end of a run). */
export async function removeRunNetworks(
  client: ContainerClient,
  firewall: Firewall,
  runId: string,
): Promise<string[]> {
  const networks = client.networks?.();
  if (!networks) return [];
  const rows = await networks.list({ [networkLabels.run]: runId });
  const bridges = new Set(rows.map((n) => n.options[bridgeOption]));
  await Promise.all(rows.map((n) => networks.remove(n.id).catch(() => undefined)));
  const rules = await firewall.leftovers().catch(() => []);
  for (const r of rules) if (bridges.has(r.bridge)) await firewall.undo([r.remove]).catch(() => undefined);
  return rows.map((n) => n.id);
}
