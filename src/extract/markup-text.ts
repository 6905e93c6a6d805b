// An HTML or XML guide read as the agent reads it: its text, not its tags (issue 14, F3). A
// bundled .html/.xml is data until the skill tells the agent to follow it (followed-documents.ts);
// then its prose goes through the same detectors as a markdown document. Each block element's
// text is one segment at its file position (line breaks kept, so lines inside a segment are the
// file's), inline tags do not break a sentence, script/style bodies and comments are not text
// (comments are judged from the raw text by hidden.ts). Text a browser would not show
// (display:none, visibility:hidden, the `hidden` attribute, zero size or opacity) is also kept
// apart as a "hidden-element" segment: an order a reviewer cannot see. One pass, no backtracking.

import type { BundledDocument, Link, TextSegment } from "../model.js";
import { lineIndex, positionAt } from "../text-lines.js";

/** Elements that do not end a sentence: their text runs on in the enclosing block. */
const INLINE = new Set(
  "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time tt u var wbr label".split(
    " ",
  ),
);
/** Elements with no closing tag. */
const VOID = new Set("area base br col embed hr img input link meta param source track wbr".split(" "));
/** Elements whose body is not text a reader sees as prose. */
const RAW = new Set(["script", "style"]);
const hiddenStyle =
  /(?:^|[\s;"'])(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9]))/i;
const hiddenAttr = /(?:^|\s)hidden(?:\s|=|\/?$)/i;
const urlAttr = /\b(?:href|src)\s*=\s*["']?([a-z][a-z0-9+.-]*:\/\/[^"'\s>]+)/gi;

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (all, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const newlines = (s: string): string => "\n".repeat(s.split("\n").length - 1);

/** Text being gathered for one segment. */
class TextRun {
  text = "";
  start = -1;
  add(piece: string, offset: number): void {
    if (this.start < 0) {
      const lead = piece.length - piece.trimStart().length;
      if (lead === piece.length) return;
      this.start = offset + lead;
      piece = piece.slice(lead);
    }
    this.text += piece;
  }
}

/** The text, hidden text and links of an HTML/XML file, with file positions. */
export function markupDocument(file: string, text: string): BundledDocument {
  const starts = lineIndex(text);
  const lower = text.toLowerCase();
  const segments: TextSegment[] = [];
  const links: Link[] = [];
  const stack: Array<{ name: string; hidden: boolean }> = [];
  let kind: TextSegment["kind"] = "paragraph";
  let body = new TextRun();
  let hidden = new TextRun();
  const push = (b: TextRun, k: TextSegment["kind"]): void => {
    const t = decodeEntities(b.text.trimEnd());
    if (b.start < 0 || t === "") return;
    segments.push({ kind: k, text: t, offset: b.start, ...positionAt(starts, b.start) });
  };
  const flush = (): void => {
    push(body, kind);
    body = new TextRun();
  };
  const flushHidden = (): void => {
    push(hidden, "hidden-element");
    hidden = new TextRun();
  };
  const inHidden = (): boolean => stack.some((e) => e.hidden);

  let at = 0;
  while (at < text.length) {
    const lt = text.indexOf("<", at);
    const end = lt < 0 ? text.length : lt;
    if (end > at) {
      const piece = text.slice(at, end);
      body.add(piece, at);
      if (inHidden()) hidden.add(piece, at);
    }
    if (lt < 0) break;
    // Comments, CDATA, declarations and processing instructions.
    if (text.startsWith("<!--", lt)) {
      const close = text.indexOf("-->", lt + 4);
      at = close < 0 ? text.length : close + 3;
      continue;
    }
    if (text.startsWith("<![CDATA[", lt)) {
      const close = text.indexOf("]]>", lt + 9);
      const inner = text.slice(lt + 9, close < 0 ? text.length : close);
      body.add(inner, lt + 9);
      at = close < 0 ? text.length : close + 3;
      continue;
    }
    const gt = text.indexOf(">", lt + 1);
    const tag = text.slice(lt + 1, gt < 0 ? text.length : gt);
    at = gt < 0 ? text.length : gt + 1;
    const m = /^(\/?)([A-Za-z][\w:.-]*)([\s\S]*)$/.exec(tag);
    if (!m) {
      // `<!DOCTYPE …>`, `<?xml …?>`, or a bare "<" in text.
      if (!/^[!?]/.test(tag)) body.add(`<${tag}${gt < 0 ? "" : ">"}`, lt);
      continue;
    }
    const closing = m[1] === "/";
    const name = (m[2] ?? "").toLowerCase();
    const attrs = m[3] ?? "";
    for (const u of attrs.matchAll(urlAttr)) {
      const url = u[1] ?? "";
      let host = "";
      try {
        host = new URL(url).hostname.toLowerCase();
      } catch {
        continue;
      }
      links.push({ url, host, kind: "link", ...positionAt(starts, lt + 1 + (u.index ?? 0)) });
    }
    if (!closing && RAW.has(name)) {
      const close = lower.indexOf(`</${name}`, at);
      at = close < 0 ? text.length : close;
      continue;
    }
    const inline = INLINE.has(name);
    if (inline) body.add(newlines(tag), lt);
    else flush();
    const wasHidden = inHidden();
    if (closing) {
      const i = stack.map((e) => e.name).lastIndexOf(name);
      if (i >= 0) stack.length = i;
    } else if (!VOID.has(name) && !attrs.trimEnd().endsWith("/")) {
      const style = /\bstyle\s*=\s*(["'])([^"']*)\1/i.exec(attrs)?.[2] ?? "";
      stack.push({
        name,
        hidden: hiddenStyle.test(style) || hiddenAttr.test(attrs.replace(/(["'])[^"']*\1/g, "")),
      });
    }
    if (wasHidden !== inHidden()) flushHidden();
    if (!inline) {
      kind = closing
        ? "paragraph"
        : /^h[1-6]$/.test(name)
          ? "heading"
          : name === "li"
            ? "list-item"
            : name === "td" || name === "th"
              ? "table-cell"
              : name === "blockquote"
                ? "blockquote"
                : "paragraph";
    }
  }
  flush();
  flushHidden();
  return { file, text, segments, code: [], links };
}
