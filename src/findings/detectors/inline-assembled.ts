// Fail closed on names assembled at run time in code the skill runs inline: python -c / node -e
// strings and heredoc bodies fed to python or node (`'cu' + 'rl …'`, `['chi','ld_pro','cess']
// .join('')`, `getattr(os, 'sys' + 'tem')`). The same reading as bundled files (assembled.ts):
// a sensitive name, credential path or command no single piece spells is "cannot be analysed".

import type { DetectContext } from "../context.js";
import { nameOf, unwrap } from "../util.js";
import { assembledNames, report } from "./assembled.js";

const interpreter = /^(?:python[\d.]*|node|nodejs|deno|bun)$/;

export function detectInlineAssembled(ctx: DetectContext): void {
  for (const src of ctx.shell) {
    if (src.quoted) continue;
    for (const cmd of src.commands) {
      if (!interpreter.test(nameOf(cmd))) continue;
      const { argv } = unwrap(cmd.argv);
      const i = argv.findIndex((a) => a === "-c" || a === "-e" || a === "--eval" || a === "-p");
      const body = i >= 0 ? argv[i + 1] : cmd.stdinText;
      if (body === undefined || body.length < 10) continue;
      const first = assembledNames(body)[0];
      if (first) report(ctx, src.file, src.at(cmd.start), first.joined, first.evidence);
    }
  }
}
