// Bundled code whose payload is destructive without any network use: files listed from the user's
// working directory, home or the file-system root (glob, walk, listdir, readdir) and then deleted
// or encrypted in place, or the home/root directory removed outright. The markdown only says "run
// the cleanup script"; the damage is in the script. A small taint pass per file: variables filled
// from such a listing (directly, through a loop variable or a derived path) reaching a delete call.
// Line-based and linear; the skill's own temporary or build artefacts are not reported.

import type { DetectContext } from "../context.js";
import { codeUnits } from "../code-units.js";

/** Directories that hold the user's data: the working directory, home, the file-system root. */
const userRoot =
  /\bPath\(\s*(?:["']\.?\/?["'])?\s*\)|\bPath\.(?:cwd|home)\(\)|\bos\.getcwd\(\)|\bprocess\.cwd\(\)|\bexpanduser\(\s*["']~\/?["']\s*\)|\b(?:os\.)?homedir\(\)|\bprocess\.env\.HOME\b|\bos\.environ(?:\.get\(\s*|\[\s*)["']HOME["']|\bgetenv\(\s*["']HOME["']|(?<![\w.])["'](?:~\/?|\/|\.\/?)["']/;
/** Calls that list a directory tree. */
const listing =
  /\.r?glob\s*\(|\.iterdir\s*\(|\bos\.(?:walk|listdir|scandir)\s*\(|\bglob\.i?glob\s*\(|\breaddir(?:Sync)?\s*\(|\bfs\.promises\.readdir\s*\(/;
/** A listing with no directory given reads the working directory: os.listdir(), glob.glob("*.x"). */
const implicitCwd =
  /\bos\.(?:listdir|scandir)\(\s*\)|\bglob\.i?glob\(\s*(?:f?["'](?![/~$]|\w+:)(?:\*\*\/)?[^"'/]*["'])/;
/** The skill's own scratch files: deleting them is cleanup, not destruction. */
const ownArtefacts =
  /\.(?:tmp|temp|pyc|pyo|log|bak|swp|lock|part|o)\b|__pycache__|\b(?:tmp|temp|cache|build|dist|out|output|coverage|node_modules)\b|\.pytest_cache|\.DS_Store/i;
/** Deletion (and encryption in place) of a variable's file: the variable is capture group 1 or 2. */
const deleteCall =
  /\b(?:os\.(?:remove|unlink|rmdir)|shutil\.rmtree|send2trash|fs\.(?:unlinkSync|rmSync|rmdirSync|unlink|rm|rmdir)|fs\.promises\.(?:unlink|rm)|(?<![\w.])(?:unlinkSync|rmSync))\s*\(\s*(\w+)|\bPath\(\s*(\w+)\s*\)\.unlink\b|\b(\w+)\.(?:unlink|rmdir)\s*\(/g;
const encryptInPlace =
  /\b(\w+)\.write_bytes\s*\([^)\n]*encrypt|\bwrite(?:File)?(?:Sync)?\s*\(\s*(\w+)\s*,[^)\n]*encrypt/g;
/** The home or root directory itself removed: rmtree(Path.home()), fs.rmSync(os.homedir(), …). */
const wipeRoot =
  /\b(?:shutil\.rmtree|fs\.(?:rmSync|rmdirSync|rm)|rmSync)\s*\(\s*(?:Path\.home\(\)|os\.path\.expanduser\(\s*["']~\/?["']\s*\)|(?:os\.)?homedir\(\)|process\.env\.HOME|os\.environ\[\s*["']HOME["']\s*\]|["'](?:~\/?|\/)["'])\s*[,)]/;
// forIn and assign run on the line with each whitespace run collapsed to one space (flatLine),
// with bounded names: overlapping \s* runs made a line of 200 spaces take minutes.
const forIn = /\bfor \(? ?(?:(?:const|let|var) )?([\w ,()[\]]{1,200}?) (?:in|of) ([^:\n]+)/g;
const forEach = /\b(\w+)(?:\)|\.\w+\([^)]*\))*\.forEach\s*\(\s*(?:async\s*)?\(?\s*(\w+)/g;
const assign = /^ ?(?:(?:const|let|var) )?\{? ?([\w ,]{1,200}?) ?\}? ?(?:: ?[\w[\]]{1,100} ?)?=(?!=) ?(.*)$/;
const flatLine = (line: string): string => line.replace(/\s+/g, " ");

/** A listing of the user's working directory, home or root (not of the skill's own scratch files). */
export function isUserListing(expr: string): boolean {
  return listing.test(expr) && (userRoot.test(expr) || implicitCwd.test(expr)) && !ownArtefacts.test(expr);
}

function parenDepth(text: string): number {
  let d = 0;
  for (const ch of text)
    if (ch === "(" || ch === "[") d++;
    else if (ch === ")" || ch === "]") d--;
  return d;
}

export function detectBundledDestructive(ctx: DetectContext): void {
  // Bundled scripts and code blocks of the skill's documents; a quoted example is not an order.
  for (const b of codeUnits(ctx)) {
    if (b.quoted) continue;
    // Cheap pre-check: no delete or encrypt call, nothing to find.
    if (!/unlink|rmtree|rmSync|rmdir|\bremove\(|send2trash|\.rm\(|encrypt/.test(b.text)) continue;
    const hit = scanFile(b.text, b.lang);
    if (!hit) continue;
    const pos = b.at(hit.offset);
    ctx.report({
      id: "bundled.mass-delete",
      severity: "high",
      file: b.file,
      line: pos.line,
      column: pos.column,
      message: hit.message,
      evidence: hit.text.trim().slice(0, 300),
    });
  }
}

function scanFile(
  text: string,
  lang: "python" | "javascript",
): { offset: number; text: string; message: string } | undefined {
  const tainted = new Set<string>();
  const comment = lang === "python" ? /^\s*#/ : /^\s*(?:\/\/|\*)/;
  const refsTaint = (expr: string): boolean => {
    if (tainted.size === 0) return false;
    for (const m of expr.matchAll(/[A-Za-z_]\w*/g)) if (tainted.has(m[0])) return true;
    return false;
  };
  let open: { names: string[]; depth: number; user: boolean } | undefined;
  let offset = 0;
  for (const line of text.split("\n")) {
    const at = offset;
    offset += line.length + 1;
    if (line.trim() === "" || comment.test(line)) continue;
    const wipe = wipeRoot.exec(line);
    if (wipe)
      return { offset: at, text: line, message: "The code removes the user's home or root directory." };
    // A multi-line assignment (x = ( … )) collects its lines before the names are tainted.
    if (open) {
      open.depth += parenDepth(line);
      if (isUserListing(line) || refsTaint(line)) open.user = true;
      if (open.depth <= 0) {
        if (open.user) for (const n of open.names) tainted.add(n);
        open = undefined;
      }
      continue;
    }
    const flat = flatLine(line);
    for (const m of flat.matchAll(forIn)) {
      const src = m[2] ?? "";
      if (isUserListing(src) || refsTaint(src))
        for (const n of (m[1] ?? "").match(/[A-Za-z_]\w*/g) ?? [])
          if (n !== "const" && n !== "let") tainted.add(n);
    }
    for (const m of line.matchAll(forEach))
      if (tainted.has(m[1] ?? "") || isUserListing(line.slice(0, m.index + (m[0]?.length ?? 0))))
        tainted.add(m[2] ?? "");
    const a = assign.exec(flat);
    if (a && !/^\s*(?:if|while|return|for)\b/.test(line)) {
      const names = (a[1] ?? "")
        .split(",")
        .map((n) => n.trim())
        .filter((n) => /^[A-Za-z_]\w*$/.test(n));
      const rhs = a[2] ?? "";
      const depth = parenDepth(rhs);
      if (depth > 0) open = { names, depth, user: isUserListing(rhs) || refsTaint(rhs) };
      else if (isUserListing(rhs) || refsTaint(rhs)) for (const n of names) tainted.add(n);
    }
    if (tainted.size === 0) continue;
    for (const re of [deleteCall, encryptInPlace]) {
      re.lastIndex = 0;
      for (const m of line.matchAll(re)) {
        const v = m[1] ?? m[2] ?? m[3] ?? "";
        if (!tainted.has(v)) continue;
        const what = re === encryptInPlace ? "encrypts in place" : "deletes";
        return {
          offset: at,
          text: line,
          message: `The code ${what} files it lists from the user's working directory or home (${v}), destroying the user's data.`,
        };
      }
    }
  }
  return undefined;
}
