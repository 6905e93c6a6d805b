import { it } from "vitest";
import { analyseShell, initShell, renderScript } from "../../src/shell/index.js";
import { commandLine, rng } from "./shell-fuzz-gen.js";
import { runUnderBash, ORACLE_HOME } from "./shell-bash-oracle.js";
it("stats", async () => {
  await initShell();
  const r = rng(Number(process.env.SEED ?? 7));
  let st = 0, n = Number(process.env.N ?? 3000), bad = 0;
  for (let i = 0; i < n; i++) {
    const line = commandLine(r);
    const a = analyseShell(line, { home: ORACLE_HOME });
    if (a.problems.length > 0 || a.commands.some(c => c.argv.some(w => w.parts.some(p => p.kind === "env")) || c.redirects.some(x => x.target?.parts.some(p => p.kind === "env")))) continue;
    st++;
    const got = runUnderBash(line);
    const files = new Set<string>();
    for (const c of a.commands) for (const x of c.redirects) if (x.target) files.add(x.target.value);
    const want = JSON.stringify({ argvs: a.commands.filter(c => !(c.argv[0]?.value ?? "/").includes("/")).map(c => c.argv.map(w => w.value)), files: [...files].sort() });
    const g = JSON.stringify({ argvs: got.argvs, files: got.files });
    if (g !== want) { bad++; if (bad < 8) console.log("MISMATCH", JSON.stringify(line), g, want); continue; }
    const rr = renderScript(a.script!);
    const got2 = runUnderBash(rr);
    const g2 = JSON.stringify({ argvs: got2.argvs, files: got2.files });
    if (g2 !== want) { bad++; if (bad < 8) console.log("RENDER MISMATCH", JSON.stringify(line), JSON.stringify(rr), g2, want); }
  }
  console.log({ n, st, bad });
}, 600000);
