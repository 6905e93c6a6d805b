// A fresh agent HOME for the host gate's tests: a temp root with symlinks resolved (the gate
// compares real paths) holding <root>/<homeName>/.openclaw/workspace, the workspace created.

import { mkdirSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface GateHome {
  /** The temp root: room beside HOME for what lies outside it (stages, canaries, policies). */
  root: string;
  home: string;
  ws: string;
}

export function freshGateHome(prefix: string, homeName = "home"): GateHome {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  const home = path.join(root, homeName);
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  return { root, home, ws };
}
