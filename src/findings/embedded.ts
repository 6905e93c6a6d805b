// Shell commands inside Python/JavaScript code strings: `os.system('…')`, `os.popen('…')`,
// `subprocess.run(['curl', …])`, `execSync('…')`, and shell scripts written to disk
// (`f.write('#!/bin/sh\n…')`). A `python3 -c` body hides its commands from shell analysis; these
// are read back as shell text so every detector sees them. Each pattern is literal-led: linear.

const call =
  /\b(?:os\.system|os\.popen|subprocess\.(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)|commands\.getoutput|execSync|spawnSync|child_process\.exec(?:Sync)?)\s*\(([^\n]*)/g;
const literal = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g;
const scriptWrite = /\.write\s*\(\s*('#!(?:[^'\\\n]|\\.)*'|"#!(?:[^"\\\n]|\\.)*")/g;
const hookAssign = /=\s*('#!\/bin\/(?:ba)?sh(?:[^'\\\n]|\\.)*'|"#!\/bin\/(?:ba)?sh(?:[^"\\\n]|\\.)*")/g;

function unquote(lit: string): string {
  return unescape(lit.slice(1, -1));
}

function unescape(body: string): string {
  return body.replace(/\\(n|t|"|'|\\)/g, (_m, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

/** Shell text found in code, with the offset of the call it came from. */
export function embeddedShell(code: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  for (const m of code.matchAll(call)) {
    const rest = m[1] ?? "";
    if (rest.trimStart().startsWith("[")) {
      const list = rest.slice(0, rest.indexOf("]") + 1 || undefined);
      const parts = [...list.matchAll(literal)].map((p) => unescape(p[1] ?? p[2] ?? ""));
      if (parts.length > 0)
        out.push({ text: parts.map((p) => (/[\s;|&]/.test(p) ? `'${p}'` : p)).join(" "), offset: m.index });
      continue;
    }
    // 'echo "' + data + '" | curl …': literals joined, each expression between them a variable.
    const parts = [...rest.matchAll(literal)].map((p) => unescape(p[1] ?? p[2] ?? ""));
    if (parts.length > 0) out.push({ text: parts.join("$DATA"), offset: m.index });
  }
  for (const re of [scriptWrite, hookAssign])
    for (const m of code.matchAll(re))
      out.push({ text: unquote(m[1] ?? "").replace(/^#![^\n]*\n?/, ""), offset: m.index });
  return out;
}
