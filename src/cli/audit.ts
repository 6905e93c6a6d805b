// `skillwall audit verify FILE`: exit 0 when the chain verifies, 1 when tampered, 2 when unreadable.

import type { Command } from "commander";
import { verifyAuditLog } from "../audit/verify.js";
import { describeError } from "../errors.js";
import type { CliContext } from "./context.js";

export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command("audit").description("Work with skillwall audit logs");
  audit
    .command("verify")
    .description("Check an audit log's hash chain: exit 0 intact, 1 tampered, 2 unreadable")
    .argument("<file>", "audit log (JSON lines)")
    .action(async (file: string) => {
      const { io } = ctx;
      let result;
      try {
        result = await verifyAuditLog(file);
      } catch (err) {
        io.stderr.write(`skillwall: ${describeError(err)}\n`);
        ctx.exitCode = 2;
        return;
      }
      if (!result.ok) {
        const p = result.problem!;
        io.stdout.write(`TAMPERED ${file}: line ${p.line}: ${p.reason}\n`);
        ctx.exitCode = 1;
        return;
      }
      io.stdout.write(`ok ${file}: ${result.lines} records, log ${result.logId}, head ${result.head}\n`);
      if (!result.closed) {
        io.stdout.write(
          "note: the log does not end with its close record (still being written, the writer crashed, or lines were removed from the end); compare the head with a copy kept elsewhere\n",
        );
      }
      ctx.exitCode = 0;
    });
}
