// Payloads that sit in text rather than in commands: URLs on ephemeral tunnels (in the skill,
// its data files and its code), code that starts a process written into a string or config value
// (`require("child_process").execSync(…)` in a JSON field), and encoded natural language in prose
// (base64, %xx runs, &#NN; runs) that only a model will read. Literal-led regexes, linear.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";
import { base64Chars, decodeBase64, hasRun, printable } from "../decode.js";
import { urlsIn } from "../hosts.js";
import { hasQuotingCue, linesBefore } from "../quoting.js";
import { tunnelService } from "../tunnels.js";
import type { Severity } from "../../model.js";
import { injectionKind } from "./prompt-injection.js";

const processInString =
  /require\s*\(\s*\\?["'`]child_process\\?["'`]\s*\)\s*\.\s*(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)\s*\(|__import__\s*\(\s*\\?["']os\\?["']\s*\)\s*\.\s*(?:system|popen)\s*\(|\bprocess\.mainModule\.require\s*\(|__import__\s*\(\s*\\?["']subprocess\\?["']\s*\)\s*\.\s*(?:run|call|Popen|check_output)\s*\(/;
const processInStringNeeds = /require\s*\(|__import__/;
const base64Run = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])/g;
const percentRun = /(?:%[0-9A-Fa-f]{2}){6,}/g;
const entityRun = /(?:&#(?:[0-9]{2,5}|x[0-9A-Fa-f]{2,4});){6,}/g;
const evalDecoded =
  /\b(?:eval|Function|exec)\s*\(\s*(?:atob|Buffer\.from|base64\.b64decode|unescape|decodeURIComponent)\s*\(/;
/** Decoded text that instructs, links, or scripts. */
const decodedActs =
  /\b(?:ignore|disregard|instructions?|you are|assistant|system|prompt|execute|run|send|post|upload|join|wake|key|token|password|curl|wget|bash|eval|document\.|window\.|alert)\b|https?:\/\/|<\s*script|\.ai\b|\.com\b/i;

export function detectPayloadText(ctx: DetectContext): void {
  tunnels(ctx);
  injectionStrings(ctx);
  encodedProse(ctx);
}

function tunnels(ctx: DetectContext): void {
  const seen = new Set<string>();
  const reportUrl = (
    host: string,
    service: string,
    file: string,
    line: number,
    column: number,
    url: string,
    quoted: boolean,
  ): void => {
    if (seen.has(host)) return;
    seen.add(host);
    const severity: Severity = quoted || ctx.securityTool ? "low" : "high";
    ctx.report({
      id: "lure.tunnel-host",
      severity,
      file,
      line,
      column,
      message: `${host} is an ephemeral ${service} tunnel to somebody's own machine; nothing a published skill or comment sends there is accountable.`,
      evidence: url,
    });
  };
  for (const u of ctx.urls) {
    const service = tunnelService(u.host);
    if (service) reportUrl(u.host, service, u.file, u.line, u.column, u.url, u.quoted);
  }
  for (const b of ctx.model.bundled) {
    if (b.text === undefined || b.type === "markdown" || !b.text.includes("://")) continue;
    const starts = lineIndex(b.text);
    for (const u of urlsIn(b.text)) {
      const service = tunnelService(u.host);
      if (!service) continue;
      const pos = positionAt(starts, Math.max(0, b.text.indexOf(u.url)));
      reportUrl(u.host, service, b.path, pos.line, pos.column, u.url, false);
    }
  }
}

function injectionStrings(ctx: DetectContext): void {
  // The skill's own text and its data files; in .js/.py code a child_process call is just code.
  const texts = [{ file: ctx.model.file, text: ctx.model.text, main: true }];
  for (const b of ctx.model.bundled)
    if (b.text !== undefined && b.type === "other") texts.push({ file: b.path, text: b.text, main: false });
  for (const t of texts) {
    // Every alternative holds `require\s*(` or `__import__`: a cheap test rules most texts out.
    const m = processInStringNeeds.test(t.text) ? processInString.exec(t.text) : null;
    if (!m) continue;
    const starts = lineIndex(t.text);
    const pos = positionAt(starts, m.index);
    const lines = t.text.split("\n");
    const quoted =
      ctx.securityTool ||
      (t.main && hasQuotingCue(`${linesBefore(lines, pos.line, 3)}\n${lines[pos.line - 1] ?? ""}`));
    ctx.report({
      id: "code.injection-payload",
      severity: quoted ? "low" : "high",
      file: t.file,
      line: pos.line,
      column: pos.column,
      message:
        "Code that starts a process is written into text or a data value, where whatever evaluates that value will run it.",
      evidence: (lines[pos.line - 1] ?? "").trim().slice(0, 300),
    });
  }
}

function decodePercent(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function decodeEntities(s: string): string {
  return s.replace(/&#(x[0-9A-Fa-f]+|[0-9]+);/g, (_m, n: string) =>
    String.fromCodePoint(n.startsWith("x") ? parseInt(n.slice(1), 16) : parseInt(n, 10)),
  );
}

/** Decoded text that reads as words (not a key, hash or binary blob). */
function wordy(s: string): boolean {
  return printable(s) && /[A-Za-z]{2}[^A-Za-z\n]+[A-Za-z]{2}/.test(s) && (s.match(/\s/g) ?? []).length >= 1;
}

function encodedProse(ctx: DetectContext): void {
  let done = false;
  for (const p of ctx.prose) {
    if (done) break;
    const candidates: Array<{ index: number; raw: string; decoded: string | undefined; how: string }> = [];
    // Each scan only runs when the text has what its regex needs (most prose has none): a run
    // of 24 base64 characters, a "%", a "&#".
    if (hasRun(p.text, base64Chars, 24))
      for (const m of p.text.matchAll(base64Run))
        candidates.push({ index: m.index, raw: m[0], decoded: decodeBase64(m[0]), how: "base64" });
    if (p.text.includes("%"))
      for (const m of p.text.matchAll(percentRun))
        candidates.push({ index: m.index, raw: m[0], decoded: decodePercent(m[0]), how: "percent-encoded" });
    if (p.text.includes("&#"))
      for (const m of p.text.matchAll(entityRun))
        candidates.push({
          index: m.index,
          raw: m[0],
          decoded: decodeEntities(m[0]),
          how: "HTML-entity-encoded",
        });
    if (candidates.length === 0) continue;
    const ev = evalDecoded.exec(p.text);
    for (const c of candidates) {
      if (c.decoded === undefined || !(wordy(c.decoded) || (ev !== null && printable(c.decoded)))) continue;
      const acts = decodedActs.test(c.decoded) || injectionKind(c.decoded) !== undefined || ev !== null;
      const severity: Severity = p.quoted || ctx.securityTool ? "low" : acts ? "high" : "medium";
      ctx.report({
        id: "hidden.encoded-text",
        severity,
        file: p.file,
        line: p.line,
        column: p.column,
        message: `Prose carries ${c.how} text that a reader cannot see but a model decodes${acts ? "; it instructs, links or scripts" : ""}.`,
        evidence: c.raw.slice(0, 300),
        decoded: c.decoded.slice(0, 1000),
      });
      done = true;
      break;
    }
  }
}
