// The audit sink: subscribes to the src/events.ts channels and writes one hash-chained JSON line
// per decision, execution, egress decision and lifecycle event (pino, synchronous writes: a line
// is on disk when the publishing call returns, so a crash loses nothing already published).
//
// Record layout (readable with pino-pretty):
//   {"level":30,"time":"…","logId":"…","seq":3,"prev":"<hash of line seq 2>","kind":"decision",
//    "decision":{…the event, untrusted text only in here…},"msg":"decision deny default-deny","hash":"…"}
// Untrusted skill text (argv, file names, reasons) lives only under the key named by `kind`,
// never at the top level; secrets are redacted by value everywhere in the record.

import diagnostics_channel from "node:diagnostics_channel";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { channels, type DecisionEvent, type EgressEvent, type ExecutionEvent } from "../events.js";
import { SkillwallError } from "../errors.js";
import { auditFormatVersion, genesisHash, sealLine } from "./chain.js";
import { registerAuditDir, unregisterAuditDir } from "./open-files.js";
import { Redactor } from "./redact.js";

export type AuditKind = "decision" | "execution" | "egress" | "lifecycle" | "log";

export interface AuditLogOptions {
  /** The JSONL file; created (mode 0600, parent directories too) or appended to. */
  file: string;
  /** Values to redact anywhere in a record: the values of env vars the policy marks secret. */
  secrets?: Iterable<string>;
  /** Subscribe to the skillwall diagnostics channels (default true). */
  subscribe?: boolean;
}

export interface AuditLog extends AsyncDisposable {
  readonly file: string;
  readonly logId: string;
  /** seq of the next record. */
  readonly seq: number;
  /** hash of the last record written. */
  readonly head: string;
  /** Writes one record of `kind`; `data` goes under the key named by `kind`. */
  record(kind: AuditKind, data: object, level?: "info" | "warn"): void;
  /** More values to redact from now on (e.g. secrets read after the log was opened). */
  addSecrets(values: Iterable<string>): void;
  /** Unsubscribes, writes a `log` close record and closes the file. Idempotent. */
  close(): Promise<void>;
}

interface ChainState {
  logId: string;
  seq: number;
  head: string;
}

/** Reads the last line of an existing log to continue its chain; fails closed on a bad tail. */
function readChainTail(at: string, file: string): ChainState | undefined {
  let fd: number;
  try {
    // Never through a symlink, never blocking on a FIFO someone planted at the name.
    fd = fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SkillwallError("audit-unreadable", `cannot open audit log ${file}: ${(err as Error).message}`, {
      fix: "check the path and its permissions (a symlink at the name is refused)",
      cause: err,
    });
  }
  try {
    requireRegularFile(fd, file);
    const size = fs.fstatSync(fd).size;
    if (size === 0) return undefined;
    // Read backwards until the start of the last line is in the buffer.
    let chunk = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString("utf8");
      if (!text.endsWith("\n")) {
        throw new SkillwallError("audit-log-truncated", `audit log ${file} ends with an incomplete line`, {
          fix: `run "skillwall audit verify ${file}", keep the file as evidence and start a new log`,
        });
      }
      const body = text.slice(0, -1);
      const nl = body.lastIndexOf("\n");
      if (nl >= 0 || start === 0) {
        const last = body.slice(nl + 1);
        let rec: { logId?: unknown; seq?: unknown; hash?: unknown };
        try {
          rec = JSON.parse(last) as typeof rec;
        } catch {
          rec = {};
        }
        if (typeof rec.logId !== "string" || typeof rec.seq !== "number" || typeof rec.hash !== "string") {
          throw new SkillwallError(
            "audit-log-corrupt",
            `the last line of audit log ${file} is not an audit record`,
            {
              fix: `run "skillwall audit verify ${file}", keep the file as evidence and start a new log`,
            },
          );
        }
        return { logId: rec.logId, seq: rec.seq + 1, head: rec.hash };
      }
      chunk *= 4;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function requireRegularFile(fd: number, file: string): void {
  if (!fs.fstatSync(fd).isFile()) {
    throw new SkillwallError("audit-unreadable", `audit log ${file} is not a regular file`, {
      fix: `remove ${file} or give another --audit-log`,
    });
  }
}

/** Opens the log for appending: created 0600, never through a symlink, only a regular file. */
function openForAppend(at: string, file: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(at, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o600);
  } catch (err) {
    throw new SkillwallError("audit-unreadable", `cannot open audit log ${file}: ${(err as Error).message}`, {
      fix: "check the path and its permissions (a symlink at the name is refused)",
      cause: err,
    });
  }
  try {
    requireRegularFile(fd, file);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

function summary(kind: AuditKind, data: Record<string, unknown>): string {
  // Only fixed words and policy-owned ids go into msg; untrusted text stays under `kind`.
  const word = (v: unknown) => (typeof v === "string" && /^[\w.:@/*[\]-]{1,80}$/.test(v) ? v : "?");
  switch (kind) {
    case "decision":
      return `decision ${word(data.verdict)} ${word(data.rule)}`;
    case "execution":
      return `execution ${word(data.outcome)} exit=${typeof data.exitCode === "number" ? data.exitCode : "none"}`;
    case "egress":
      return `egress ${word(data.decision)} ${word(data.rule)}`;
    case "lifecycle":
      return `lifecycle ${word(data.event)}`;
    case "log":
      return `log ${word(data.event)}`;
  }
}

export function openAuditLog(options: AuditLogOptions): AuditLog {
  const file = path.resolve(options.file);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // The directory is held by a descriptor and the log opened relative to it: the workspace code
  // refuses to mount or chown a tree that holds this very directory, wherever it is moved.
  const dirFd = fs.openSync(path.dirname(file), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  const at = `/proc/self/fd/${dirFd}/${path.basename(file)}`;
  let existing: ChainState | undefined;
  let fd: number;
  try {
    existing = readChainTail(at, file);
    fd = openForAppend(at, file);
  } catch (err) {
    fs.closeSync(dirFd);
    throw err;
  }
  const dirStat = fs.fstatSync(dirFd);
  registerAuditDir(dirFd, { dev: dirStat.dev, ino: dirStat.ino });
  const state: ChainState = existing ?? { logId: randomUUID(), seq: 0, head: "" };
  if (!existing) state.head = genesisHash(state.logId);
  const redactor = new Redactor(options.secrets ?? []);
  const destination = pino.destination({ dest: fd, sync: true });
  const logger = pino(
    {
      base: { logId: state.logId },
      timestamp: pino.stdTimeFunctions.isoTime,
      level: "info",
      hooks: {
        // Runs on the final serialized line: seal it and move the chain head.
        streamWrite(s: string): string {
          const sealed = sealLine(s.endsWith("\n") ? s.slice(0, -1) : s);
          state.head = sealed.hash;
          state.seq++;
          return `${sealed.line}\n`;
        },
      },
    },
    destination,
  );

  let closed = false;
  const record = (kind: AuditKind, data: object, level: "info" | "warn" = "info"): void => {
    if (closed) return;
    const safe = (redactor.value(data) ?? {}) as Record<string, unknown>;
    logger[level](
      { seq: state.seq, prev: state.head, kind, [kind]: safe },
      redactor.string(summary(kind, safe)),
    );
  };

  const onDecision = (m: unknown) =>
    record("decision", m as DecisionEvent, (m as DecisionEvent).verdict === "deny" ? "warn" : "info");
  const onExecution = (m: unknown) => {
    const e = m as ExecutionEvent;
    record("execution", e, e.exitCode === 0 ? "info" : "warn");
  };
  const onEgress = (m: unknown) =>
    record("egress", m as EgressEvent, (m as EgressEvent).decision === "deny" ? "warn" : "info");
  const onLifecycle = (m: unknown) => record("lifecycle", m as object);
  const subscriptions: Array<[string | symbol, (m: unknown) => void]> =
    options.subscribe === false
      ? []
      : [
          [channels.decision.name, onDecision],
          [channels.execution.name, onExecution],
          [channels.egress.name, onEgress],
          [channels.lifecycle.name, onLifecycle],
        ];
  for (const [name, fn] of subscriptions) diagnostics_channel.subscribe(name, fn);

  record("log", {
    event: existing ? "continue" : "open",
    version: auditFormatVersion,
    pid: process.pid,
    ...(existing ? {} : { genesis: state.head }),
  });

  const close = async (): Promise<void> => {
    if (closed) return;
    for (const [name, fn] of subscriptions) diagnostics_channel.unsubscribe(name, fn);
    record("log", { event: "close", records: state.seq + 1 });
    closed = true;
    unregisterAuditDir(dirFd);
    fs.closeSync(dirFd);
    destination.flushSync();
    await new Promise<void>((resolve) => {
      destination.once("close", () => resolve());
      destination.end();
    });
  };

  return {
    file,
    get logId() {
      return state.logId;
    },
    get seq() {
      return state.seq;
    },
    get head() {
      return state.head;
    },
    record,
    addSecrets: (values) => redactor.add(values),
    close,
    [Symbol.asyncDispose]: close,
  };
}
