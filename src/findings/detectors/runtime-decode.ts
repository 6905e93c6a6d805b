// Fail closed on text decoded at run time and then executed: a value decoded (base64/85, hex,
// XOR with a key, rot13, a value read from a JSON file and decoded) into a variable that reaches
// exec/eval/a shell/a deserialiser. What runs is not in the file as written, so it cannot be
// analysed; the rule does not need to decode the literal (the key or the JSON value may only exist
// at run time). Also text assembled from numbers: XOR in a comprehension (`b ^ k for b in d`),
// char codes (`chr(x) for x in c`, String.fromCharCode) and index maps (`A[i] for i in I`), whether
// assigned first or decoded inside the call that runs it. Line-based taint over one file; linear.

/** A line that decodes or unmasks data. */
const decodes =
  /\b(?:b64decode|b85decode|a85decode|b32decode|urlsafe_b64decode|decodebytes|fromhex|unhexlify|atob)\s*\(|Buffer\.from\([^)\n]*['"](?:base64|hex|base64url)['"]|\bcodecs\.decode\(|\brot_?13\b|\bord\([^)\n]*\)\s*\^|\^\s*ord\(|\bcharCodeAt\([^)\n]*\)\s*\^|\^\s*(?:\w*key\w*|0x[0-9a-fA-F]{1,2})\b|\bzlib\.decompress\(|\bmarshal\.loads\(|\b\w+\s*\^\s*\w+\s+for\s+\w+\s+in\b|\bchr\(\s*\w+\s*\)\s+for\s+\w+\s+in\b|\bString\.fromCharCode\(|\.join\(\s*\w+\[\s*\w+\s*\]\s+for\s+\w+\s+in\b/i;
/** Calls that run their argument as code or a command, or deserialise it into objects. */
const runs =
  /(?:\b(?:exec|eval|os\.system|os\.popen|subprocess\.(?:run|call|Popen|check_output|check_call|getoutput)|execSync|spawnSync|new Function|Function|pickle\.loads|marshal\.loads|runpy\.run_\w+)|(?<![\w.])compile)\s*\(([^\n]*)/g;
const assigned = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*(?::\s*[\w[\]]+\s*)?=(?!=)(.*)$/;

/** The first line where a value decoded at run time is executed, or undefined. */
export function decodedThenRun(text: string): { offset: number; line: string } | undefined {
  if (!decodes.test(text)) return undefined;
  const tainted = new Set<string>();
  const refs = (expr: string): boolean => {
    for (const m of expr.matchAll(/[A-Za-z_$][\w$]*/g)) if (tainted.has(m[0])) return true;
    return false;
  };
  let offset = 0;
  for (const line of text.split("\n")) {
    const at = offset;
    offset += line.length + 1;
    const a = assigned.exec(line);
    if (a && (decodes.test(a[2] ?? "") || refs(a[2] ?? ""))) {
      tainted.add(a[1] ?? "");
      continue;
    }
    for (const m of line.matchAll(runs))
      if (refs(m[1] ?? "") || decodes.test(m[1] ?? "")) return { offset: at, line };
  }
  return undefined;
}
