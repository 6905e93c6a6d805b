// Every command that runs something records its decisions and executions in an audit log.
// By default each invocation gets its own file (one hash chain per process: two processes
// appending to one chain would break it); --audit-log FILE appends to a chain of your choice.

import { homedir } from "node:os";
import path from "node:path";
import { checkAuditDir } from "../audit/log-dir.js";
import type { AuditLog } from "../audit/log.js";
import type { CliIO } from "./io.js";

/** Sub-commands that execute or change state: always audited. Others only with --audit-log. */
const alwaysAudited = new Set(["run", "exec", "wrap", "install", "heartbeat", "approve", "reject"]);

/** Env vars whose values look like secrets are redacted wherever they appear in a record. */
const secretName = /KEY|TOKEN|SECRET|PASS|CREDENTIAL|AUTH/i;

export function auditDir(env: NodeJS.ProcessEnv): string {
  const data = env.XDG_DATA_HOME || path.join(env.HOME || homedir(), ".local/share");
  return path.join(data, "skillwall", "audit");
}

export async function openCliAudit(
  io: CliIO,
  command: string,
  explicit: string | undefined,
): Promise<AuditLog | undefined> {
  const given = explicit ?? io.env.SKILLWALL_AUDIT_LOG;
  if (given === undefined && !alwaysAudited.has(command)) return undefined;
  const file =
    given !== undefined
      ? path.resolve(io.cwd, given)
      : path.join(
          auditDir(io.env),
          `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}-${command}.jsonl`,
        );
  const secrets = Object.entries(io.env)
    .filter(([name, value]) => secretName.test(name) && value !== undefined && value.length >= 8)
    .map(([, value]) => value as string);
  await checkAuditDir(path.dirname(file));
  // Loaded only when a log is opened: pino is not part of a plain scan's start-up.
  const { openAuditLog } = await import("../audit/log.js");
  return openAuditLog({ file, secrets });
}
