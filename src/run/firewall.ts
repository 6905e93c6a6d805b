// Host firewall rules that fence a step's internal network: from the bridge, only the proxy port
// on the gateway is reachable, and nothing is forwarded from or to it (egress/network.ts
// gatewayFirewallRules builds the argv). Applied
// with iptables via execFile (argv, no shell). Without root there is no way to apply them, and
// without them host services bound to 0.0.0.0 would be reachable from the step: fail closed.

import { execFile } from "node:child_process";
import { SkillwallError } from "../errors.js";

export interface Firewall {
  /** Throws a SkillwallError with the fix when rules cannot be applied here. */
  check(): Promise<void>;
  /** Runs each argv in order; on a failure undoes what it added and throws. */
  apply(add: string[][], remove: string[][]): Promise<void>;
  /** Runs each argv; rules already gone are not an error. */
  undo(remove: string[][]): Promise<void>;
  /** Rules in INPUT/FORWARD on a skillwall step bridge, as argv that delete them. */
  leftovers(): Promise<Array<{ bridge: string; remove: string[] }>>;
}

/** The chains gatewayFirewallRules writes to. */
const fencedChains = ["INPUT", "FORWARD"] as const;

/** Interface names bridgeName() makes: "swl" + up to 12 [a-z0-9]. */
const stepBridge = /^swl[a-z0-9]{1,12}$/;

/**
 * A rule of ours in `iptables -S` words: the bridge and the rule spec, or undefined. Docker
 * writes FORWARD rules for the same bridge while its network exists (e.g. `-i b -o b -j DROP`);
 * those are never ours to delete, so FORWARD rules must have exactly our shape.
 */
export function ourRule(chain: string, words: string[]): { bridge: string; spec: string[] } | undefined {
  if (words[0] !== "-A" || words[1] !== chain) return undefined;
  const i = words.findIndex((w) => w === "-i" || w === "-o");
  const bridge = i >= 0 ? words[i + 1] : undefined;
  if (bridge === undefined || !stepBridge.test(bridge)) return undefined;
  if (chain === "FORWARD" && (words.length !== 6 || i !== 2 || words[4] !== "-j" || words[5] !== "DROP"))
    return undefined;
  return { bridge, spec: words.slice(1) };
}

function run(argv: string[], timeoutMs = 10_000): Promise<{ stdout: string }> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("empty argv"));
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) {
        const why = stderr.trim() || err.message;
        reject(new Error(`${argv.join(" ")}: ${why}`));
      } else resolve({ stdout });
    });
  });
}

function needRoot(): SkillwallError {
  return new SkillwallError(
    "egress-needs-root",
    "this step needs the network, and fencing its network (iptables rules on the host) needs root",
    {
      fix: "run skillwall as root (a VM or CI machine), or drop the hosts from network.hosts so the step runs without network",
    },
  );
}

export function iptablesFirewall(): Firewall {
  let checked: Promise<void> | undefined;
  return {
    check() {
      checked ??= (async () => {
        if (process.getuid?.() !== 0) throw needRoot();
        try {
          await run(["iptables", "-w", "-S", "INPUT"]);
        } catch (err) {
          throw new SkillwallError(
            "egress-no-iptables",
            `iptables does not work here (${(err as Error).message}), so a step's network cannot be fenced`,
            { fix: "install Debian's iptables (scripts/setup-docker.sh does) and run as root", cause: err },
          );
        }
      })();
      checked.catch(() => {
        checked = undefined;
      });
      return checked;
    },
    async apply(add, remove) {
      try {
        for (const argv of add) await run(argv);
      } catch (err) {
        await this.undo(remove).catch(() => undefined);
        throw new SkillwallError(
          "egress-firewall",
          `could not fence the step network: ${(err as Error).message}`,
          {
            fix: "check that iptables works (iptables -S INPUT) and that nothing else rewrites INPUT",
            cause: err,
          },
        );
      }
    },
    async undo(remove) {
      for (const argv of remove) {
        // Delete every copy (a retried apply may have inserted one twice).
        for (let n = 0; n < 4; n++) {
          try {
            await run(argv);
          } catch {
            break;
          }
        }
      }
    },
    async leftovers() {
      const out: Array<{ bridge: string; remove: string[] }> = [];
      for (const chain of fencedChains) {
        const { stdout } = await run(["iptables", "-w", "-S", chain]);
        for (const line of stdout.split("\n")) {
          const rule = ourRule(chain, line.trim().split(/\s+/));
          if (rule) out.push({ bridge: rule.bridge, remove: ["iptables", "-w", "-D", ...rule.spec] });
        }
      }
      return out;
    },
  };
}
