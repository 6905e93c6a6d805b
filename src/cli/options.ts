// The options the sandbox verbs share (run, install, exec, wrap, heartbeat): one spelling, one
// description each, so `--help` reads the same everywhere and the docs name one option.

import { Option } from "commander";

export const stateDirHelp =
  "where skillwall keeps this home's lockfile, blobs and heartbeat state (outside the home; default: /var/lib/skillwall/homes/… as root, else $XDG_STATE_HOME/skillwall/homes/…)";

/** -p, --policy: a shipped name or a file; `fallback` describes the default when it is not "default". */
export function policyOption(fallback?: string): Option {
  const o = new Option("-p, --policy <name|file>", "shipped policy name or policy file");
  return fallback === undefined ? o.default("default") : o.default(undefined, fallback);
}

export function agentHomeOption(
  what = "host directory that plays the agent's home (/home/agent in the sandbox)",
): Option {
  return new Option("--agent-home <dir>", `${what} (default: ~/.local/share/skillwall/agent-home)`);
}

/** --workspace: `fallback` says what the verb mounts when it is not given. */
export function workspaceOption(fallback: string): Option {
  return new Option(
    "--workspace <dir>",
    `directory below the agent home that the steps see as their workspace (default: ${fallback})`,
  );
}

export function stateDirOption(extra = ""): Option {
  return new Option("--state-dir <dir>", `${stateDirHelp}${extra}`);
}

export function caFileOption(): Option {
  return new Option("--ca-file <pem>", "extra CA certificates (PEM) to trust, e.g. a private registry's");
}

export function yesOption(): Option {
  return new Option(
    "-y, --yes",
    "do not ask: approve what the policy allows; review steps only with the policy's sandbox.autoApproveReview",
  );
}
