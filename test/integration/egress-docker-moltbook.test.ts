// Done-when of the egress issue: the Moltbook example's install steps, judged by the shipped
// `moltbook` policy, run in real containers and fetch their files from a local stand-in for
// https://www.moltbook.com (TLS with a test CA, reached through the TEST-ONLY host map).

import fs from "node:fs";
import { createServer } from "node:https";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectSteps } from "../../src/cli/run.js";
import { loadPolicy } from "../../src/policy/load.js";
import { runSteps, type RunResult } from "../../src/run/runner.js";
import { scanPaths } from "../../src/scan/index.js";
import {
  closeServer,
  docker,
  dockerNetworks,
  makeTestCa,
  tempAgentHome,
  writeCaFile,
  type TestCa,
} from "./egress-docker-support.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
// Its own loopback address: the policy allows only port 443, so the stand-in must listen there.
const standIn = "127.0.45.1";
let ca: TestCa;
let server: net.Server;
const requested: string[] = [];
let result: RunResult;
let agentHome: string;
const runId = `egmolt${process.pid}`;

const files: Record<string, string> = {
  "/skill.md": "---\nname: moltbook\nversion: 9.9.9\n---\n# stand-in skill\n",
  "/heartbeat.md": "# stand-in heartbeat\n",
  "/messaging.md": "# stand-in messaging\n",
  "/skill.json": '{"name":"moltbook","version":"9.9.9"}\n',
};

beforeAll(async () => {
  const d = await docker();
  ca = makeTestCa(["www.moltbook.com", "moltbook.com"]);

  server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    requested.push(`${req.headers.host ?? ""}${req.url ?? ""}`);
    const body = files[req.url ?? ""];
    if (body === undefined) res.writeHead(404).end("not here\n");
    else res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(443, standIn, () => resolve());
  });

  const policy = await loadPolicy("moltbook", { cwd: repoRoot });
  const scanned = await scanPaths([path.join(repoRoot, "examples/moltbook/SKILL.md")], {
    policy,
    cwd: repoRoot,
  });
  const skill = scanned.results[0];
  if (!skill) throw new Error(`no scan result: ${JSON.stringify(scanned.errors)}`);
  const install = selectSteps(skill.steps, { kind: "install" });
  agentHome = await tempAgentHome();
  result = await runSteps(install, {
    client: d.client,
    image: d.image,
    runId,
    policy,
    yes: true,
    workspace: { agentHome, relDir: ".moltbot/skills/moltbook" },
    egress: {
      testHostMap: new Map([
        ["www.moltbook.com", [standIn]],
        ["moltbook.com", [standIn]],
      ]),
      testAllowAddresses: [standIn],
      extraCaFile: writeCaFile(ca.dir, ca.ca),
    },
  });
}, 60_000);

afterAll(async () => {
  await closeServer(server);
  fs.rmSync(ca.dir, { recursive: true, force: true });
  fs.rmSync(agentHome, { recursive: true, force: true });
});

describe("moltbook install with --policy moltbook against a local www.moltbook.com", () => {
  it("runs every install step: mkdir offline, each curl on its own fenced network", () => {
    expect(result.steps.map((s) => [s.outcome, s.stderr])).toEqual(result.steps.map(() => ["ok", ""]));
    expect(result.steps.length).toBeGreaterThanOrEqual(2);
    const fetches = result.steps.filter((s) => s.script?.includes("curl"));
    expect(fetches.length).toBe(4);
    for (const s of fetches) {
      expect(s.egress?.allowed).toEqual(["www.moltbook.com:443 (https)"]);
      expect(s.egress?.requestsAllowed).toBe(1);
      expect(s.egress?.requestsDenied).toBe(0);
    }
    const mkdir = result.steps.find((s) => s.script?.includes("mkdir"));
    expect(mkdir?.egress).toBeUndefined();
  });

  it("fetched the files into the workspace", () => {
    const dir = path.join(agentHome, ".moltbot/skills/moltbook");
    expect(fs.readFileSync(path.join(dir, "SKILL.md"), "utf8")).toBe(files["/skill.md"]);
    expect(fs.readFileSync(path.join(dir, "HEARTBEAT.md"), "utf8")).toBe(files["/heartbeat.md"]);
    expect(fs.readFileSync(path.join(dir, "MESSAGING.md"), "utf8")).toBe(files["/messaging.md"]);
    expect(fs.readFileSync(path.join(dir, "package.json"), "utf8")).toBe(files["/skill.json"]);
    expect(requested.sort()).toEqual(
      ["/heartbeat.md", "/messaging.md", "/skill.json", "/skill.md"].map((p) => `www.moltbook.com${p}`),
    );
    expect(result.writtenSkillFiles.map((f) => path.basename(f)).sort()).toEqual([
      "HEARTBEAT.md",
      "MESSAGING.md",
      "SKILL.md",
    ]);
  });

  it("left no network behind", () => {
    expect(dockerNetworks(runId)).toEqual([]);
  });
});
