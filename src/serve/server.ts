// skillwall serve: a long-lived supervisor on a unix socket. It owns the Docker connection and a
// pool of warm hardened containers; each request is analysed and judged again under the serve
// policy, and only its canonical rendering runs, in a container used once. The socket lives in a
// folder only the operator can enter (0700) and is itself 0600; it is never mounted into a
// container (the containers see the workspace and their own job folder only).

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import net from "node:net";
import path from "node:path";
import { SkillwallError } from "../errors.js";
import { identityOf, isWithin } from "../hostfs/ancestry.js";
import { HostDir } from "../hostfs/host-dir.js";
import { limits, sandboxDefaults } from "../limits.js";
import { judgeStep } from "../policy/index.js";
import type { Policy } from "../policy/types.js";
import { buildStepAllowlist, needsNetwork } from "../egress/allowlist.js";
import type { StepAllowlist } from "../egress/types.js";
import { openEgress, type EgressOptions, type OpenedEgress } from "../run/egress-step.js";
import { iptablesFirewall } from "../run/firewall.js";
import type { StepNetworkClient } from "../run/networks.js";
import { resolvedScript } from "../run/render.js";
import { analyseShell } from "../shell/index.js";
import type { ContainerPool, JobResult } from "./pool.js";
import type { ServeRequest, ServeResponse } from "./protocol.js";

export interface ServeOptions {
  socketPath: string;
  pool: ContainerPool;
  policy: Policy;
  /** Host folder of the workspace: the socket must not be inside it. */
  workspaceHostDir: string;
  /** Registered commands waiting for their one run (created on first use). */
  jobs?: Map<string, PendingJob>;
  /**
   * Per-step egress, as `skillwall run` gives it: the Docker networks client (without it a
   * command that needs the network is refused), the extra CA file, proxy limits, the firewall
   * and the TEST-ONLY host map (run/egress-step.ts).
   */
  egress?: EgressOptions & { networks?: StepNetworkClient };
}

/** A checked command kept for one run. */
interface PendingJob extends Checked {
  expires: number;
}

/** What check() lets run: the canonical script, its time limit and, if it needs the network, its hosts. */
interface Checked {
  script: string;
  timeoutMs: number;
  /** Hosts the command names ∩ hosts the policy grants; absent: no network at all. */
  allow?: StepAllowlist;
}

/**
 * Opens the socket's folder, making it (0700) when missing, but only under a parent nobody but
 * root or this user could rename or write in (a sticky one like /tmp is fine: there only an
 * entry's owner may rename it): nothing is made in another user's folder.
 */
async function openSocketDir(dir: string): Promise<HostDir> {
  const parent = await HostDir.open(path.dirname(dir));
  try {
    const name = path.basename(dir);
    if ((await parent.entry(name)) === undefined) {
      const st = await parent.stat();
      const me = process.getuid?.() ?? -1;
      const writable = (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0;
      const why =
        st.uid !== 0 && st.uid !== me
          ? `${path.dirname(dir)} is owned by uid ${st.uid}`
          : writable
            ? `${path.dirname(dir)} is writable by others`
            : await parent.renamableByOthers();
      if (why !== undefined) {
        throw new SkillwallError(
          "serve-socket-dir",
          `the socket's folder ${dir} could be moved away by another user (${why}): they could put their own socket there and answer in serve's place`,
          {
            fix: "put the socket under a folder only root (or you) can write, e.g. /run/skillwall/serve.sock",
          },
        );
      }
    }
    return await parent.dir(path.basename(dir), { create: true, mode: 0o700 });
  } finally {
    await parent.close();
  }
}

/**
 * Opens (or makes, 0700) the socket's folder through hostfs and checks it: the operator's own,
 * nobody else may enter it, outside the workspace, and no folder above it renamable by another
 * user. Clients find serve by the socket's name: whoever could move a folder on that path away
 * could put their own folder and socket there and answer in serve's place (see the commands,
 * forge their output), or have serve's chmod land on a file of their choosing. A stale socket at
 * the name is removed. Returns the folder, held open: the socket is made and removed through it.
 */
export async function prepareSocketDir(socketPath: string, workspaceHostDir: string): Promise<HostDir> {
  const dir = path.dirname(path.resolve(socketPath));
  const name = path.basename(path.resolve(socketPath));
  const ws = path.resolve(workspaceHostDir);
  const inWorkspace = (how: string): SkillwallError =>
    new SkillwallError(
      "serve-socket-in-workspace",
      `the socket ${socketPath} is inside the workspace ${ws}${how}, which containers see`,
      { fix: "put the socket in a folder of its own, e.g. /run/skillwall/serve.sock" },
    );
  if (dir === ws || dir.startsWith(`${ws}${path.sep}`)) throw inWorkspace("");
  const held = await openSocketDir(dir);
  try {
    // By identity too: a name that reaches the workspace through a symlink or a bind mount.
    const wsId = identityOf(ws);
    if (wsId !== undefined && isWithin(await held.realPath(), wsId))
      throw inWorkspace(" (reached by another name)");
    const st = await held.stat();
    const uid = process.getuid?.() ?? -1;
    if (st.uid !== uid || (st.mode & 0o077) !== 0) {
      throw new SkillwallError(
        "serve-socket-dir",
        `${dir} must be a folder owned by this user (uid ${uid}) that nobody else can enter (mode 0700)`,
        { fix: `chmod 700 ${dir} (and chown it to the operator), or choose another --socket` },
      );
    }
    const renamable = await held.renamableByOthers();
    if (renamable !== undefined) {
      throw new SkillwallError(
        "serve-socket-dir",
        `the socket's folder ${dir} could be moved away by another user (${renamable}): they could put their own socket at ${socketPath} and answer in serve's place`,
        { fix: "put the socket under a folder only root (or you) can write, e.g. /run/skillwall/serve.sock" },
      );
    }
    const there = await held.entry(name);
    if (there !== undefined) {
      if (!there.isSocket()) {
        throw new SkillwallError("serve-socket-exists", `${socketPath} exists and is not a socket`, {
          fix: "remove it or choose another --socket",
        });
      }
      await held.unlink(name);
    }
    return held;
  } catch (err) {
    await held.close();
    throw err;
  }
}

export async function handleRequest(line: string, opts: ServeOptions): Promise<ServeResponse> {
  let req: ServeRequest;
  try {
    req = JSON.parse(line) as ServeRequest;
  } catch {
    return refuse(
      "serve-bad-request",
      "the request is not JSON",
      'send {"version":1,"command":"…"} and a newline',
    );
  }
  if (req.version !== 1) return refuse("serve-bad-request", "the request needs version 1");
  const jobs = (opts.jobs ??= new Map());
  if (typeof req.job === "string" && req.command === undefined && req.register === undefined) {
    const pending = jobs.get(req.job);
    jobs.delete(req.job); // one run per registration
    if (pending === undefined || pending.expires < Date.now()) {
      return refuse(
        "serve-unknown-job",
        "no registered command has this job id (each runs once, within limits.servePendingJobMs)",
        "let the gate register the command again",
      );
    }
    return runScript(pending, opts);
  }
  const text = typeof req.register === "string" && req.command === undefined ? req.register : req.command;
  if (typeof text !== "string" || req.job !== undefined) {
    return refuse("serve-bad-request", "the request needs exactly one of command, register or job");
  }
  const checked = check(text, req.timeoutMs, opts);
  if ("version" in checked) return checked;
  if (req.register === undefined) return runScript(checked, opts);
  const now = Date.now();
  for (const [id, j] of jobs) if (j.expires < now) jobs.delete(id);
  // A gate whose runs never come must not grow the table without end.
  while (jobs.size >= limits.servePendingJobs) jobs.delete(jobs.keys().next().value as string);
  const id = randomBytes(16).toString("hex");
  jobs.set(id, { ...checked, expires: now + limits.servePendingJobMs });
  return { version: 1, ok: true, job: id, ran: checked.script };
}

/** Analyse and judge under the serve policy: the script to run, or the refusal. */
function check(text: string, requestedMs: number | undefined, opts: ServeOptions): Checked | ServeResponse {
  const analysis = analyseShell(text, { home: opts.policy.home });
  const judged = judgeStep(
    {
      id: "serve#1:1",
      kind: "fenced",
      file: "serve",
      line: 1,
      column: 1,
      text,
      offset: 0,
      install: false,
    },
    analysis,
    opts.policy,
  );
  // review commands arrive here after the plugin got a person's approval; deny never runs.
  if (judged.verdict === "deny") {
    return refuse(
      "serve-denied",
      `denied by policy ${opts.policy.name}: ${judged.reason ?? judged.rule ?? ""}`,
      judged.fix,
    );
  }
  let script: string;
  try {
    script = resolvedScript(analysis);
  } catch (e) {
    const err = e as SkillwallError;
    return refuse(err.code ?? "unresolved-step", err.message, err.fix);
  }
  const max = opts.policy.sandbox.timeoutMs ?? sandboxDefaults.timeoutMs;
  const timeoutMs = Math.min(typeof requestedMs === "number" && requestedMs > 0 ? requestedMs : max, max);
  // The same egress a `skillwall run` step gets: only hosts its checked arguments name and the
  // policy grants; a command naming none gets no network at all (a pooled container).
  const network = opts.policy.network;
  const allow =
    network === undefined ? undefined : buildStepAllowlist(judged.commands, network, { step: "serve#1:1" });
  return allow && needsNetwork(allow) ? { script, timeoutMs, allow } : { script, timeoutMs };
}

/** Serial number of egress steps: part of each step network's name. */
let egressSteps = 0;

async function runScript(checked: Checked, opts: ServeOptions): Promise<ServeResponse> {
  if (checked.allow) return runWithEgress(checked, checked.allow, opts);
  const run = await opts.pool.run(checked.script, checked.timeoutMs);
  return answer(checked.script, run);
}

/**
 * A command that needs the network: its own internal network, the filtering proxy with its
 * hosts only, and the firewall rules, then a container on that network. Any failure to set that
 * up refuses the command (fail closed): it never runs without the proxy, nor with more network.
 */
async function runWithEgress(
  checked: Checked,
  allow: StepAllowlist,
  opts: ServeOptions,
): Promise<ServeResponse> {
  const networks = opts.egress?.networks;
  if (!networks) {
    return refuse(
      "serve-egress",
      "this command needs the network and this server cannot create step networks; nothing ran",
      "run `skillwall serve` with a Docker connection (see `skillwall doctor`)",
    );
  }
  // The bridge interface is named after the first 8 characters (15 at most in all): random ones,
  // so concurrent commands never share a name.
  const runId = `sv${randomBytes(3).toString("hex")}${(egressSteps++).toString(36)}`;
  let egress: OpenedEgress;
  try {
    egress = await openEgress(networks, opts.egress?.firewall ?? iptablesFirewall(), {
      runId,
      stepIndex: 0,
      allow,
      options: opts.egress ?? {},
    });
  } catch (e) {
    const err = e as SkillwallError;
    return refuse(
      "serve-egress",
      `could not set up the command's network (${err.message}); nothing ran`,
      err.fix ?? "check `skillwall doctor` (Docker networks and iptables)",
    );
  }
  try {
    const run = await opts.pool.runOnNetwork(
      checked.script,
      {
        networkName: egress.networkName,
        env: egress.env,
        mounts: egress.mounts,
        stopped: egress.proxy.closed,
      },
      checked.timeoutMs,
    );
    const res = answer(checked.script, run);
    res.egress = allow.rules.map((r) => `${r.scheme}://${r.host}:${r.ports.join("|")}`);
    if (run.proxyStopped) {
      res.ok = false;
      res.stderr = `${res.stderr ?? ""}skillwall: the egress proxy stopped during the command; it was killed\n`;
    }
    return res;
  } finally {
    // The container is gone (runOnNetwork removed it): now the network can go.
    await egress.close().catch(() => undefined);
  }
}

function answer(script: string, run: JobResult): ServeResponse {
  return {
    version: 1,
    ok: run.outcome !== "error",
    ran: script,
    exitCode: run.exitCode,
    outcome: run.outcome,
    stdout: run.stdout,
    stderr: run.stderr,
    durationMs: Math.round(run.durationMs),
  };
}

function refuse(code: string, message: string, fix?: string): ServeResponse {
  return { version: 1, ok: false, error: fix === undefined ? { code, message } : { code, message, fix } };
}

/** Listen until close(); every connection carries one request. */
export async function startServer(opts: ServeOptions): Promise<{ close(): Promise<void> }> {
  const dir = await prepareSocketDir(opts.socketPath, opts.workspaceHostDir);
  // Made, chmod'ed and removed in the folder that was checked (its descriptor), never by name.
  const name = path.basename(path.resolve(opts.socketPath));
  const at = `${dir.procPath}/${name}`;
  const server = net.createServer((sock) => {
    let buf = "";
    let handled = false;
    sock.on("error", () => undefined);
    sock.on("data", (d) => {
      if (handled) return;
      buf += d.toString("utf8");
      if (buf.length > limits.serveRequestBytes) {
        handled = true;
        sock.end(
          `${JSON.stringify(refuse("serve-request-too-large", `requests are at most ${limits.serveRequestBytes} bytes`))}\n`,
        );
        return;
      }
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      handled = true;
      handleRequest(buf.slice(0, nl), opts)
        .catch((e: unknown) => refuse("serve-error", (e as Error).message))
        .then((res) => sock.end(`${JSON.stringify(res)}\n`))
        .catch(() => undefined);
    });
  });
  server.maxConnections = limits.serveMaxConnections;
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at, () => resolve());
    });
    await fs.chmod(at, 0o600);
  } catch (err) {
    server.close();
    await dir.unlink(name).catch(() => undefined);
    await dir.close();
    throw err;
  } finally {
    process.umask(oldMask);
  }
  return {
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await dir.unlink(name).catch(() => undefined);
      await dir.close();
      await opts.pool.close();
    },
  };
}
