// Sandbox mode without a process per call: the gate keeps each registered job in the gateway
// process, and the command it hands OpenClaw is a fixed POSIX-shell stub that only signals "go"
// and waits for the result, through two FIFOs in a private (0700) folder:
//
//   stub:   echo go > D/go          gate: runs the job over serve's socket, in-process, writes
//           read -r s < D/done            D/out and D/err, then the status into D/done
//           cat D/out; cat D/err >&2; exit $s
//
// No Node client starts per call (it cost ~0.3 s), the job still runs when OpenClaw runs the
// command (not in the hook, whose timeout is 15 s), and the stub carries no command text: it
// names a folder whose FIFOs only this process serves. A job runs once: the FIFOs are unlinked
// when "go" arrives, so running the stub again runs nothing (exit 126).

import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** Folders with their FIFOs made ahead: mkfifo is a process, kept off the request path. */
const stockSize = 4;
/** A stub that never says go (OpenClaw did not run it) is dropped after serve forgets the job. */
const unusedMs = 15 * 60_000;
/** Output files are removed once OpenClaw has the result (after_tool_call), or after this. */
const leftoverMs = 5 * 60_000;
/** How long the gate waits for the stub to open D/done once the job has finished. */
const doneWaitMs = 10_000;

function mkfifos(dir) {
  return new Promise((resolve, reject) =>
    execFile("mkfifo", ["-m", "0600", path.join(dir, "go"), path.join(dir, "done")], (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

/**
 * @param {{ run: (job: string) => Promise<any>, quote: (word: string) => string }} opts `run` asks
 *   serve to run the job and resolves with its answer (rejects when serve is unreachable); `quote`
 *   quotes a word for a POSIX shell
 */
export function createHandoff(opts) {
  let root;
  const stock = [];
  let filling = 0;
  /** toolCallId → cleanup, run by after_tool_call. */
  const pending = new Map();

  function rootDir() {
    // 0700: only the gateway's user can open the FIFOs or read the output.
    if (root === undefined) {
      root = fs.mkdtempSync(path.join(os.tmpdir(), "skillwall-sandbox-"));
      const dir = root;
      process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    return root;
  }

  async function makeDir() {
    const dir = path.join(rootDir(), randomBytes(12).toString("hex"));
    fs.mkdirSync(dir, { mode: 0o700 });
    await mkfifos(dir);
    return dir;
  }

  function refill() {
    while (stock.length + filling < stockSize) {
      filling++;
      makeDir()
        .then((d) => stock.push(d))
        .catch(() => undefined)
        .finally(() => filling--);
    }
  }

  async function takeDir() {
    // The refill waits until a job has answered (finish): spawning mkfifo from a large process
    // holds the event loop for a moment, which the hook and the job should not wait for.
    return stock.shift() ?? makeDir();
  }

  /** Open D/done for writing once the stub waits on it (ENXIO until then). */
  async function openDone(file) {
    const deadline = performance.now() + doneWaitMs;
    for (;;) {
      try {
        return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      } catch (e) {
        if (e?.code !== "ENXIO" || performance.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }

  async function finish(dir, answer) {
    let status;
    let out = "";
    let err = "";
    if (answer instanceof Error || !answer?.ok || answer.error) {
      const e =
        answer instanceof Error
          ? { message: answer.message }
          : (answer?.error ?? { message: `the sandbox failed (${answer?.outcome ?? "error"})` });
      err = `skillwall: ${e.message}${e.fix ? ` (fix: ${e.fix})` : ""}; nothing ran on the host\n`;
      status = 126;
    } else {
      out = typeof answer.stdout === "string" ? answer.stdout : "";
      err = typeof answer.stderr === "string" ? answer.stderr : "";
      if (answer.outcome === "timed-out") err += "skillwall: the command timed out in the sandbox\n";
      if (answer.outcome === "output-capped") err += "skillwall: output cut at the sandbox's limit\n";
      status =
        typeof answer.exitCode === "number" ? answer.exitCode : answer.outcome === "timed-out" ? 124 : 126;
    }
    // "wx" (O_CREAT|O_EXCL): a name something else put there first, a symlink above all, is
    // never written through (rt12 R5); the stub then gets no status, so it shows none of them.
    let written = true;
    try {
      fs.writeFileSync(path.join(dir, "out"), out, { mode: 0o600, flag: "wx" });
      fs.writeFileSync(path.join(dir, "err"), err, { mode: 0o600, flag: "wx" });
    } catch {
      written = false;
    }
    const fd = await openDone(path.join(dir, "done"));
    try {
      if (written) fs.writeSync(fd, `${status}\n`);
    } finally {
      fs.closeSync(fd);
    }
    // After the stub has read its output.
    setTimeout(refill, 100).unref();
  }

  refill();
  return {
    /**
     * The stub for one registered job. The job runs when OpenClaw runs the stub; `key` (the tool
     * call id) lets after_tool_call remove the output files.
     * @returns {Promise<string>}
     */
    async stub(job, key) {
      const dir = await takeDir();
      const remove = () => fs.rmSync(dir, { recursive: true, force: true });
      // O_RDWR: the gate is itself a writer, so the FIFO never reads as closed before the stub
      // writes, and opening it never blocks.
      const fd = fs.openSync(path.join(dir, "go"), fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      const go = new net.Socket({ fd, readable: true, writable: false });
      const unused = setTimeout(() => {
        go.destroy();
        remove();
      }, unusedMs);
      unused.unref();
      let started = false;
      go.on("error", () => undefined);
      go.on("data", () => {
        if (started) return;
        started = true;
        clearTimeout(unused);
        go.destroy();
        // Once only: a second run of the stub finds no FIFO and runs nothing.
        fs.rmSync(path.join(dir, "go"), { force: true });
        const later = setTimeout(remove, leftoverMs);
        later.unref();
        if (key !== undefined)
          pending.set(key, () => {
            clearTimeout(later);
            remove();
          });
        opts
          .run(job)
          .then(
            (a) => finish(dir, a),
            (e) => finish(dir, e instanceof Error ? e : new Error(String(e))),
          )
          .catch(() => undefined)
          .finally(() => fs.rmSync(path.join(dir, "done"), { force: true }));
      });
      const d = opts.quote(dir);
      return [
        `d=${d}`,
        `if [ ! -p "$d/go" ]; then echo 'skillwall: this sandboxed call already ran or expired; nothing ran' >&2; exit 126; fi`,
        `echo go > "$d/go" || exit 126`,
        `IFS= read -r s < "$d/done" || { echo 'skillwall: the sandbox did not answer; nothing ran on the host' >&2; exit 126; }`,
        // `test -s` is built in: no process for an empty stream.
        `if [ -s "$d/out" ]; then cat -- "$d/out"; fi`,
        `if [ -s "$d/err" ]; then cat -- "$d/err" >&2; fi`,
        `exit "$s"`,
      ].join("\n");
    },
    /** OpenClaw has the result: its output files can go. */
    done(key) {
      const f = pending.get(key);
      pending.delete(key);
      f?.();
    },
  };
}
