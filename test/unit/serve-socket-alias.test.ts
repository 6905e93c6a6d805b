// serve refuses a socket inside the workspace, which every pool container can write (it could
// move the socket's folder away and answer in serve's place). The check compared names only: a
// socket folder reached through a symlink into the workspace passed.

import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareSocketDir } from "../../src/serve/server.js";

describe("prepareSocketDir", () => {
  it("refuses a socket folder that is inside the workspace under another name", async () => {
    const base = mkdtempSync(path.join(tmpdir(), "sw-sockalias-"));
    const ws = path.join(base, "workspace");
    mkdirSync(path.join(ws, "sock"), { recursive: true, mode: 0o700 });
    symlinkSync(ws, path.join(base, "alias"));
    await expect(prepareSocketDir(path.join(base, "alias", "sock", "s.sock"), ws)).rejects.toThrow(
      /inside the workspace/,
    );
    // Control: a folder of its own passes.
    mkdirSync(path.join(base, "own"), { mode: 0o700 });
    await (await prepareSocketDir(path.join(base, "own", "s.sock"), ws)).close();
  });
});
