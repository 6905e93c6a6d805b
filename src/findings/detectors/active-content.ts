// Active content in a bundled image or page: an SVG or HTML file the skill ships that carries
// script. When a registry, a preview pane or a browser renders the file, the script runs with the
// viewer's session (stored XSS) — it can read the tokens a web app keeps in localStorage,
// sessionStorage or cookies and send them away. Script in an SVG is one property (an image has
// no reason to run code); reading stored credentials or sending a request is the second. An HTML
// page may run script legitimately, so there both reading stored credentials and sending are
// needed. Bounded regexes over the file text.

import type { DetectContext } from "../context.js";
import { lineIndex, positionAt } from "../context.js";

const script =
  /<script\b|\son(?:load|error|click|mouseover|focus|begin|end|activate)\s*=\s*["']|\bjavascript:/i;
const storedSecret =
  /\b(?:localStorage|sessionStorage|document\.cookie|indexedDB)\b|\b(?:getItem|cookie)\s*\(\s*["'][^"'\n]{0,40}(?:token|auth|session|key|jwt)/i;
const sends =
  /\bfetch\s*\(|\bXMLHttpRequest\b|\bnavigator\.sendBeacon\b|\bnew\s+Image\s*\(|\.src\s*=\s*[`"'][^`"'\n]{0,20}https?:|\b(?:window\.)?location(?:\.href)?\s*=\s*[`"']https?:|\bWebSocket\s*\(/;

export function detectActiveContent(ctx: DetectContext): void {
  for (const b of ctx.model.bundled) {
    if (b.text === undefined) continue;
    const svg = /\.svgz?$/i.test(b.path);
    const html = /\.(?:html?|xhtml)$/i.test(b.path);
    if (!svg && !html) continue;
    const s = script.exec(b.text);
    if (!s) continue;
    const secret = storedSecret.exec(b.text);
    const send = sends.exec(b.text);
    const high = svg ? secret !== null || send !== null : secret !== null && send !== null;
    if (!high && !svg) continue;
    const at = (secret ?? send ?? s).index;
    const pos = positionAt(lineIndex(b.text), at);
    const what = secret ? "reads credentials the browser stores" : send ? "sends a request" : "runs script";
    ctx.report({
      id: "bundled.active-content",
      severity: high ? "high" : "medium",
      file: b.path,
      line: pos.line,
      column: pos.column,
      message: `${b.path} is ${svg ? "an image" : "a page"} with script that ${what}${
        secret && send ? " and sends a request" : ""
      }: rendered in a registry, preview or browser it runs with the viewer's session (stored XSS).`,
      evidence: (b.text.slice(at).split("\n")[0] ?? "").trim().slice(0, 300),
    });
  }
}
