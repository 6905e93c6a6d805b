// An OpenClaw config maps onto common-tools and may only narrow it. go-install names no URL and
// no path, yet fetches modules and writes ~/go: without network access, with allowed_hosts that
// lack the Go module proxy, or without allow_file_write: true, the mapped policy must deny it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.js";
import { judge, shellReady } from "./policy-helpers.js";

let dir: string;
beforeAll(async () => {
  await shellReady();
  dir = await mkdtemp(path.join(os.tmpdir(), "sw-openclaw-go-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mapped(permissions: string): Promise<Awaited<ReturnType<typeof loadPolicy>>> {
  const file = path.join(dir, `c${Math.abs(hash(permissions))}.yaml`);
  await writeFile(file, `permissions:\n${permissions}`);
  return loadPolicy(file);
}
function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const goInstall = "go install github.com/steipete/blucli/cmd/blu@latest";

describe("OpenClaw config: go install needs network and writes", () => {
  it("allowed with network access and file writes", async () => {
    const p = await mapped("  allow_network_access: true\n  allow_file_write: true\n");
    expect(judge(goInstall, p).verdict).toBe("allow");
  });
  it("denied without network access", async () => {
    const p = await mapped("  allow_network_access: false\n  allow_file_write: true\n");
    expect(judge(goInstall, p).verdict).toBe("deny");
  });
  it("denied when allowed_hosts lacks the module proxy, allowed when it has it", async () => {
    const without = await mapped(
      "  allow_network_access: true\n  allow_file_write: true\n  allowed_hosts: [github.com]\n",
    );
    expect(judge(goInstall, without).verdict).toBe("deny");
    const withProxy = await mapped(
      "  allow_network_access: true\n  allow_file_write: true\n  allowed_hosts: [proxy.golang.org, sum.golang.org]\n",
    );
    expect(judge(goInstall, withProxy).verdict).toBe("allow");
  });
  it("denied without file writes, and with writes limited to a list (it writes ~/go)", async () => {
    expect(judge(goInstall, await mapped("  allow_network_access: true\n")).verdict).toBe("deny");
    const listed = await mapped(
      '  allow_network_access: true\n  allow_file_write: ["~/.openclaw/workspace/**"]\n',
    );
    expect(judge(goInstall, listed).verdict).toBe("deny");
  });
});
