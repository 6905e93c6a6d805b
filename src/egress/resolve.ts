// Name resolution done by the proxy itself, once: the address it checks is the address it
// connects to (no second lookup a rebinding DNS server could answer differently).

import dns from "node:dns/promises";
import { SkillwallError } from "../errors.js";
import type { Target } from "./host.js";

/** Test-only: host → addresses, used instead of DNS (names not in it do not resolve). */
export type HostMap = ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;

function fromMap(map: HostMap, host: string): readonly string[] | undefined {
  if (map instanceof Map) return map.get(host);
  const record = map as Readonly<Record<string, readonly string[]>>;
  return Object.prototype.hasOwnProperty.call(record, host) ? record[host] : undefined;
}

export async function resolveTarget(
  target: Target,
  map: HostMap | undefined,
  timeoutMs: number,
): Promise<string[]> {
  if (target.ipFamily !== 0) return [target.host];
  if (map !== undefined) {
    const hit = fromMap(map, target.host);
    if (!hit || hit.length === 0) {
      throw new SkillwallError("egress-resolve", `${target.host} does not resolve (test host map)`);
    }
    return [...hit];
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SkillwallError("egress-resolve", `resolving ${target.host} took longer than ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    const found = await Promise.race([dns.lookup(target.host, { all: true, verbatim: true }), timeout]);
    if (found.length === 0) throw new SkillwallError("egress-resolve", `${target.host} has no addresses`);
    return found.map((a) => a.address);
  } catch (err) {
    if (err instanceof SkillwallError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new SkillwallError("egress-resolve", `${target.host} does not resolve (${code})`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
