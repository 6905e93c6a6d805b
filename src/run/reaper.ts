// Leftover containers of runs that crashed (the supervisor died before removing them). Every
// container and step network carries the run id and its owner (pid, pid start time, boot id,
// host: owner.ts); only those of a dead owner are removed, whatever their age.

import { networkLabels } from "../egress/network.js";
import type { ContainerClient } from "./container-client.js";
import type { Firewall } from "./firewall.js";
import { bridgeOption } from "./networks.js";
import { ownerDead, procOwnerProbe, type OwnerProbe } from "./owner.js";
import { labelKeys } from "./spec.js";

export interface ReapOptions {
  /** How owners are looked up (tests pass their own host, boot id or process table). */
  probe?: OwnerProbe;
}

/** Remove containers whose owner is provably dead (see owner.ts); returns the ids removed. */
export async function reapStale(client: ContainerClient, opts: ReapOptions = {}): Promise<string[]> {
  const probe = opts.probe ?? procOwnerProbe;
  const rows = await client.list({ [labelKeys.run]: true });
  const doomed = rows.filter((c) => ownerDead(c.labels, probe));
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
 * Egress leftovers of crashed runs: step networks whose supervisor is dead, and host firewall rules of step bridges that no network owns any more.
 * Containers go first (reapStale), since a network with endpoints cannot be removed.
 */
export async function reapStaleNetworks(
  client: ContainerClient,
  firewall: Firewall,
  opts: ReapOptions = {},
): Promise<string[]> {
  const networks = client.networks?.();
  if (!networks) return [];
  const probe = opts.probe ?? procOwnerProbe;
  // Rules first, then networks: a rule seen now belongs to a network that already existed.
  const rules = await firewall.leftovers().catch(() => []);
  const rows = await networks.list({ [networkLabels.role]: "egress" });
  const doomed = rows.filter((n) => ownerDead(n.labels, probe));
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
