// A small pool of warm hardened containers for `skillwall serve`. Each one is built by
// buildStepSpec (the same walls as every step: no capabilities, seccomp, no-new-privileges,
// read-only root, no network, pids/memory/cpu limits) and started ahead of time blocked on a
// FIFO. A job writes its script into the container's own read-only job folder, opens the FIFO,
// and the container execs the script: no container start on the request path. A container runs
// one job, then it is removed and the pool refills.

import { randomUUID } from "node:crypto";
import { closeSync, constants, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SkillwallError } from "../errors.js";
import { limits as globalLimits, type SandboxLimits } from "../limits.js";
import type { BindMount, ContainerClient } from "../run/container-client.js";
import { CappedOutput } from "../run/output.js";
import { privateTempDir } from "../run/private-temp.js";
import { buildStepSpec } from "../run/spec.js";

export interface PoolOptions {
  client: ContainerClient;
  image: string;
  seccompJson: string;
  limits: SandboxLimits;
  /** Host folder mounted read-write as the agent workspace. */
  workspaceHostDir: string;
  /** Where the workspace appears inside the container (also the working directory). */
  workspaceContainerDir: string;
  user: { uid: number; gid: number };
  /** Warm containers kept ready (limits.servePoolSize by default). */
  size?: number;
}

export interface JobResult {
  exitCode: number | null;
  outcome: "ok" | "failed" | "timed-out" | "output-capped" | "error";
  stdout: string;
  stderr: string;
  durationMs: number;
  containerId: string;
}

interface Warm {
  id: string;
  jobDir: string;
}

const execFileAsync = promisify(execFile);

/** A step's own network (an egress step): its container is created on it, not taken from the pool. */
export interface StepNetwork {
  /** The step's internal "skillwall-…" network. */
  networkName: string;
  /** Proxy and CA variables. */
  env: Map<string, string>;
  /** Read-only mounts (the CA bundle). */
  mounts: BindMount[];
  /** Settles when the proxy stops: the step is killed then (nothing may leave another way). */
  stopped: Promise<unknown>;
}

/**
 * The waiter each pooled container runs: block on the FIFO, which delivers the job's nonce, send
 * its own stdout and stderr into the job folder's FIFOs `out` and `err` (read by the supervisor
 * directly: no trip through Docker's attach stream, which cost ~50–100 ms per job), run the job
 * script, then print "<nonce>:<status>" on both so the supervisor knows each stream is complete
 * and has the result without waiting for Docker to reap the container. The nonce is never in the
 * script's environment; a script that forged it would only misreport its own result (the
 * container is removed either way).
 */
const waiter =
  'read -r n < /job/go || exit 97; exec > /job/out 2> /job/err || exit 98; /bin/bash --norc --noprofile /job/script.sh; s=$?; printf "\\n%s:%d\\n" "$n" "$s"; printf "\\n%s:%d\\n" "$n" "$s" >&2; exit "$s"';

/** One output FIFO of a job, read until its end marker. */
class MarkedStream {
  readonly output: CappedOutput;
  private tail = "";
  private readonly sock: net.Socket;
  /** Resolves with the status the marker carries. */
  readonly ended: Promise<number>;

  constructor(file: string, cap: number, marker: RegExp) {
    this.output = new CappedOutput(cap);
    // O_RDWR: the supervisor is a writer too, so the FIFO never reads as closed before the
    // container opens it, and opening never blocks. The marker, not EOF, ends the stream.
    const fd = openSync(file, constants.O_RDWR | constants.O_NONBLOCK);
    this.sock = new net.Socket({ fd, readable: true, writable: false });
    this.ended = new Promise<number>((resolve) => {
      this.sock.on("data", (data: Buffer) => {
        this.output.push(data);
        // Keep a short tail so a marker split across chunks is still found.
        this.tail = (this.tail + data.toString("latin1")).slice(-256);
        const m = marker.exec(this.tail);
        if (m) resolve(Number(m[1]));
      });
    });
    this.sock.on("error", () => undefined);
  }

  close(): void {
    this.sock.destroy();
  }
}

export class ContainerPool {
  private readonly ready: Warm[] = [];
  private readonly waiting: Array<(w: Warm) => void> = [];
  private filling = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Used containers being removed (in the background, after their answer). */
  private readonly removing = new Set<Promise<void>>();
  private closed = false;
  private readonly jobsRoot: string;
  private lastError: Error | undefined;

  constructor(private readonly opts: PoolOptions) {
    // Job folders hold only each container's script and FIFO; 0700, owned by the supervisor, in
    // a temp directory nobody else can rename entries in (or the script is written through
    // their symlink, and Docker mounts their folder as /job).
    this.jobsRoot = privateTempDir("skillwall-serve-jobs-", "serve's job folders");
  }

  get size(): number {
    return this.opts.size ?? globalLimits.servePoolSize;
  }

  /** Containers ready now (for tests and status). */
  /** Resolves when no refill or removal is under way (benchmarks measure a quiet pool). */
  async quiet(): Promise<void> {
    while (this.inFlight.size > 0 || this.removing.size > 0)
      await Promise.all([...this.inFlight, ...this.removing]);
  }

  get readyCount(): number {
    return this.ready.length;
  }

  /** Start filling the pool; resolves when it is full (or rejects with the first create error). */
  async fill(): Promise<void> {
    // Waiting requests each need a container on top of the warm ones.
    const missing = this.size + this.waiting.length - this.ready.length - this.filling;
    await Promise.all(Array.from({ length: Math.max(0, missing) }, () => this.addOne()));
    if (this.ready.length === 0 && this.lastError) throw this.lastError;
  }

  private addOne(): Promise<void> {
    const p = this.addOneNow().finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async addOneNow(): Promise<void> {
    this.filling++;
    try {
      const w = await this.createWarm();
      if (this.closed) {
        await this.discard(w);
        return;
      }
      const next = this.waiting.shift();
      if (next) next(w);
      else this.ready.push(w);
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e as Error;
    } finally {
      this.filling--;
    }
  }

  private async createWarm(network?: StepNetwork): Promise<Warm> {
    const jobDir = path.join(this.jobsRoot, randomUUID());
    mkdirSync(jobDir, { mode: 0o755 });
    // The container reads `go` and the script as the agent uid and cannot change them (read-only
    // mount); it writes its output into `out` and `err` (a FIFO is writable on a read-only mount).
    // 0622 for a container uid that is not ours: the jobs root is 0700, nobody else gets there.
    await execFileAsync("mkfifo", ["-m", "0644", path.join(jobDir, "go")]);
    await execFileAsync("mkfifo", ["-m", "0622", path.join(jobDir, "out"), path.join(jobDir, "err")]);
    const { client } = this.opts;
    const id = await client.create(
      buildStepSpec({
        image: this.opts.image,
        runId: `serve-${process.pid}`,
        stepLabel: "serve",
        script: "",
        command: ["/bin/bash", "--norc", "--noprofile", "-c", waiter],
        env: network ? new Map(network.env) : new Map(),
        limits: this.opts.limits,
        seccompJson: this.opts.seccompJson,
        user: this.opts.user,
        workspace: {
          hostDir: this.opts.workspaceHostDir,
          containerDir: this.opts.workspaceContainerDir,
          agentHome: this.opts.workspaceHostDir,
        },
        workingDir: this.opts.workspaceContainerDir,
        readOnlyMounts: [
          { Type: "bind", Source: jobDir, Target: "/job", ReadOnly: true },
          ...(network?.mounts ?? []),
        ],
        ...(network ? { networkMode: network.networkName } : {}),
      }),
    );
    try {
      await client.start(id);
      return { id, jobDir };
    } catch (e) {
      await client.remove(id).catch(() => undefined);
      rmSync(jobDir, { recursive: true, force: true });
      throw e;
    }
  }

  private async take(): Promise<Warm> {
    if (this.closed) throw new SkillwallError("serve-closed", "the container pool is shut down");
    const w = this.ready.shift();
    const refill = (): void => {
      // In the background: the next request should find a warm container again. A failed
      // refill is reported by the request that waits for it.
      this.fill().catch(() => undefined);
    };
    // With a warm container at hand the refill waits until the job is done (run() starts it):
    // creating and starting a container competes with the job for CPU on the request path.
    if (w) return w;
    return new Promise<Warm>((resolve, reject) => {
      const handOver = (w2: Warm): void => {
        clearTimeout(timer);
        resolve(w2);
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(handOver);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(
          new SkillwallError(
            "serve-no-container",
            `no sandbox container became ready within ${globalLimits.servePoolWaitMs} ms`,
            {
              fix: `check \`skillwall doctor\`${this.lastError ? ` (last error: ${this.lastError.message})` : ""}`,
            },
          ),
        );
      }, globalLimits.servePoolWaitMs);
      // Queued before the refill, so fill() counts this request.
      this.waiting.push(handOver);
      refill();
    });
  }

  /** Run one script in a fresh warm container; the container is removed afterwards. */
  async run(script: string, timeoutMs = this.opts.limits.timeoutMs): Promise<JobResult> {
    const w = await this.take();
    try {
      return await this.runIn(w, script, timeoutMs);
    } finally {
      const removal = this.discard(w).finally(() => this.removing.delete(removal));
      this.removing.add(removal);
      this.fill().catch(() => undefined);
    }
  }

  /**
   * Run one script in a container created now on the step's own network (pooled containers have
   * no network and Docker cannot attach one to them). Resolves once the container is removed,
   * so the caller can then remove the network.
   */
  async runOnNetwork(
    script: string,
    network: StepNetwork,
    timeoutMs = this.opts.limits.timeoutMs,
  ): Promise<JobResult & { proxyStopped: boolean }> {
    if (this.closed) throw new SkillwallError("serve-closed", "the container pool is shut down");
    const w = await this.createWarm(network);
    let proxyStopped = false;
    void network.stopped.then(() => {
      proxyStopped = true;
      this.opts.client.kill(w.id).catch(() => undefined);
    });
    try {
      const r = await this.runIn(w, script, timeoutMs);
      return proxyStopped ? { ...r, outcome: "error", proxyStopped } : { ...r, proxyStopped };
    } finally {
      await this.discard(w);
    }
  }

  private async runIn(w: Warm, script: string, timeoutMs: number): Promise<JobResult> {
    const started = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.opts.client.kill(w.id).catch(() => undefined);
    }, timeoutMs);
    const nonce = randomUUID().replace(/-/g, "");
    // The nonce is hex: safe inside a RegExp.
    const marker = new RegExp(`\\n${nonce}:(\\d+)\\n$`);
    let out: MarkedStream | undefined;
    let err: MarkedStream | undefined;
    try {
      out = new MarkedStream(path.join(w.jobDir, "out"), this.opts.limits.outputBytes, marker);
      err = new MarkedStream(path.join(w.jobDir, "err"), this.opts.limits.outputBytes, marker);
      writeFileSync(path.join(w.jobDir, "script.sh"), script, { mode: 0o644 });
      await this.signalGo(w.jobDir, `${nonce}\n`);
      // Both markers: each stream is complete. The container's exit covers a killed waiter.
      const status = await Promise.race([
        Promise.all([out.ended, err.ended]).then(([, s]) => s),
        this.opts.client.wait(w.id),
      ]);
      const capped = out.output.capped || err.output.capped;
      return {
        exitCode: timedOut ? null : status,
        outcome: timedOut ? "timed-out" : capped ? "output-capped" : status === 0 ? "ok" : "failed",
        stdout: out.output.text().replace(marker, ""),
        stderr: err.output.text().replace(marker, ""),
        durationMs: performance.now() - started,
        containerId: w.id,
      };
    } catch (e) {
      return {
        exitCode: null,
        outcome: "error",
        stdout: "",
        stderr: (e as Error).message,
        durationMs: performance.now() - started,
        containerId: w.id,
      };
    } finally {
      clearTimeout(timer);
      out?.close();
      err?.close();
    }
  }

  /**
   * Write to the container's FIFO. Opening it non-blocking fails (ENXIO) until the waiter has
   * opened its end: a container handed out right after start may still be starting bash.
   */
  private async signalGo(jobDir: string, line: string): Promise<void> {
    const deadline = performance.now() + globalLimits.servePoolWaitMs;
    for (;;) {
      let fd: number;
      try {
        fd = openSync(path.join(jobDir, "go"), constants.O_WRONLY | constants.O_NONBLOCK);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENXIO" || performance.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      try {
        writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
      return;
    }
  }

  private async discard(w: Warm): Promise<void> {
    await this.opts.client.remove(w.id).catch(() => undefined);
    rmSync(w.jobDir, { recursive: true, force: true });
  }

  /** Remove every warm container and the job folders. */
  async close(): Promise<void> {
    this.closed = true;
    // Refills under way finish first (addOneNow discards what they made), then the folders go.
    await Promise.all([...this.inFlight]);
    const all = this.ready.splice(0);
    await Promise.all(all.map((w) => this.discard(w)));
    rmSync(this.jobsRoot, { recursive: true, force: true });
  }
}
