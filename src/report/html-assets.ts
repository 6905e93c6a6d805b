// The stylesheet and script inlined into the HTML report. They are constants so the report's
// Content-Security-Policy can allow exactly them by hash and nothing else.

import { createHash } from "node:crypto";

export const reportCss = `
:root { color-scheme: light; --allow: #e3f4e6; --review: #fff1c2; --deny: #fddede; --allow-fg: #1b6e2c;
  --review-fg: #8a5a00; --deny-fg: #b3171d; --critical: #6a1b9a; --high: #c62828; --medium: #e65100;
  --low: #0277bd; --info: #757575; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1f2328; background: #fff; }
header.top { padding: 12px 20px; background: #24292f; color: #fff; }
header.top h1 { margin: 0; font-size: 18px; }
header.top .meta { color: #d0d7de; font-size: 12px; }
main { padding: 12px 20px 40vh; }
h2 { font-size: 17px; margin: 24px 0 6px; word-break: break-all; }
h3 { font-size: 14px; margin: 14px 0 6px; }
code, .code, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; }
table.index { border-collapse: collapse; margin: 8px 0 16px; }
table.index td, table.index th { border: 1px solid var(--line); padding: 4px 8px; text-align: left; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: bold; letter-spacing: .03em; }
.badge.v-allow { background: var(--allow); color: var(--allow-fg); }
.badge.v-review { background: var(--review); color: var(--review-fg); }
.badge.v-deny { background: var(--deny); color: var(--deny-fg); }
.badge.sev-critical { background: var(--critical); color: #fff; }
.badge.sev-high { background: var(--high); color: #fff; }
.badge.sev-medium { background: var(--medium); color: #fff; }
.badge.sev-low { background: var(--low); color: #fff; }
.badge.sev-info, .badge.sev-none { background: var(--info); color: #fff; }
.badge.install { background: #ddf4ff; color: #0550ae; }
.skillmeta { color: #57606a; font-size: 12px; margin-bottom: 8px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 38%); gap: 16px; align-items: start; }
.file { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 16px; overflow: hidden; }
.file .name { background: #f6f8fa; border-bottom: 1px solid var(--line); padding: 4px 10px; font-weight: bold; font-size: 12px; }
.code { font-size: 12.5px; line-height: 1.5; tab-size: 4; }
.ln { display: flex; border-left: 4px solid transparent; }
.ln.v-allow { border-left-color: #4caf50; }
.ln.v-review { border-left-color: #f9a825; }
.ln.v-deny { border-left-color: #e53935; }
.no { flex: none; width: 4.5em; padding-right: 10px; text-align: right; color: #8c959f; user-select: none; }
.tx { flex: 1; white-space: pre-wrap; word-break: break-all; min-height: 1.5em; }
.hl.st.v-allow { background: var(--allow); }
.hl.st.v-review { background: var(--review); }
.hl.st.v-deny { background: var(--deny); }
.hl.fd { border-bottom: 3px solid var(--info); }
.hl.fd.sev-low { border-bottom-color: var(--low); }
.hl.fd.sev-medium { border-bottom-color: var(--medium); }
.hl.fd.sev-high { border-bottom-color: var(--high); }
.hl.fd.sev-critical { border-bottom-color: var(--critical); }
.ctl { background: #ffd7ff; color: #7d007d; border-radius: 3px; font-size: 90%; }
.anchor { scroll-margin: 40vh 0; }
.ann { display: flex; background: #f3f0ff; }
.ann .dec { flex: 1; white-space: pre-wrap; word-break: break-all; padding: 2px 6px; color: #3b2c85; }
.side { position: sticky; top: 0; max-height: 100vh; overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px 10px; background: #fbfbfc; }
.side ol { list-style: none; margin: 0; padding: 0; }
.side li { margin: 0 0 6px; }
a.entry { display: block; padding: 6px 8px; border-radius: 6px; border: 1px solid var(--line); background: #fff; color: inherit; text-decoration: none; }
a.entry:hover, a.entry:focus { border-color: #0969da; outline: none; }
.entry.off { display: block; padding: 6px 8px; border: 1px dashed var(--line); border-radius: 6px; }
.entry code { word-break: break-all; }
.entry .why, .entry .fix, .entry .decoded, .entry .evidence { font-size: 12px; color: #57606a; margin-top: 2px; word-break: break-word; }
.entry .fix { color: #0550ae; }
.entry .decoded code { background: #f3f0ff; color: #3b2c85; }
.pos { color: #57606a; font-size: 12px; }
.flash { outline: 3px solid #0969da; outline-offset: 1px; }
.errors li { color: var(--deny-fg); }
.empty { color: #57606a; font-style: italic; }
.filters { font-size: 12px; margin: 8px 0; display: grid; gap: 4px; }
.filters label { white-space: nowrap; margin-right: 4px; }
.side li.filtered { display: none; }
details.allowed > summary { cursor: pointer; color: var(--allow-fg); margin: 6px 0; }
`;

export const reportScript = `(function () {
  "use strict";
  function show(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    target.scrollIntoView({ block: "center" });
    var old = document.querySelectorAll(".flash");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("flash");
    var marks = document.querySelectorAll('[data-ref~="' + CSS.escape(id) + '"]');
    for (var j = 0; j < marks.length; j++) marks[j].classList.add("flash");
    return true;
  }
  // Filters: an unticked verdict or severity hides its entries in that skill's side list.
  document.addEventListener("change", function (event) {
    var box = event.target instanceof Element ? event.target.closest("input[data-filter]") : null;
    if (!box) return;
    var side = box.closest("aside");
    if (!side) return;
    var kind = box.getAttribute("data-filter");
    var value = box.getAttribute("data-value");
    var items = side.querySelectorAll("li[data-" + kind + '="' + CSS.escape(value || "") + '"]');
    for (var i = 0; i < items.length; i++) items[i].classList.toggle("filtered", !box.checked);
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("a[data-target]") : null;
    if (el && show(el.getAttribute("data-target") || "")) event.preventDefault();
  });
})();`;

function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** Nothing loads from anywhere; only the report's own stylesheet and script run. */
export const reportCsp = [
  "default-src 'none'",
  `style-src ${cspHash(reportCss)}`,
  `script-src ${cspHash(reportScript)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
