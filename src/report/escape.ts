// Skill text is hostile. Before it reaches a terminal or an HTML page, every character that can
// change how the rest is displayed (escape sequences, bidi overrides, zero-width and tag
// characters) is replaced by a visible, inert spelling of itself.

/** True for code points that control display rather than show a glyph. */
export function isInvisibleOrControl(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) || // DEL and C1 (0x9b is a one-byte CSI on some terminals)
    cp === 0x061c || // Arabic letter mark
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (cp >= 0x2028 && cp <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x2064) || // word joiner, invisible operators
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0xfeff || // zero-width no-break space
    (cp >= 0xd800 && cp <= 0xdfff) || // lone surrogates
    (cp >= 0xe0000 && cp <= 0xe007f) // Unicode tag characters (invisible ASCII smuggling)
  );
}

const named: Readonly<Record<number, string>> = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r", 0x1b: "\\x1b" };

/** The inert spelling of one invisible or control code point: `\n`, `\x1b`, `\u{202e}`. */
export function spellCodePoint(cp: number): string {
  const known = named[cp];
  if (known !== undefined) return known;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, "0")}`;
  return `\\u{${cp.toString(16)}}`;
}

/** Text safe to write to a terminal: no escape sequences, no reordering, no hidden characters. */
export function escapeTerminal(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    out += isInvisibleOrControl(cp) ? spellCodePoint(cp) : ch;
  }
  return out;
}

/** Text safe inside HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  let out = "";
  for (const ch of text) {
    switch (ch) {
      case "&":
        out += "&amp;";
        break;
      case "<":
        out += "&lt;";
        break;
      case ">":
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case "'":
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/**
 * Skill text for an HTML page: escaped, with invisible and control characters (tabs kept) shown
 * as marked inert spellings, so a bidi override cannot reorder the report and nothing hides.
 */
export function escapeHtmlVisible(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp !== 0x09 && isInvisibleOrControl(cp)) {
      out += `<span class="ctl" title="hidden character U+${cp.toString(16).toUpperCase().padStart(4, "0")}">${escapeHtml(spellCodePoint(cp))}</span>`;
    } else {
      out += escapeHtml(ch);
    }
  }
  return out;
}

/** First line of a text, shortened to `max` characters, with a note of what was cut. */
export function summarise(text: string, max = 120): string {
  const trimmed = text.trim();
  const newline = trimmed.indexOf("\n");
  const first = newline === -1 ? trimmed : trimmed.slice(0, newline);
  const more = newline === -1 ? 0 : trimmed.slice(newline + 1).split("\n").length;
  const short = first.length > max ? `${first.slice(0, max - 1)}…` : first;
  return more > 0 ? `${short} … (+${more} line${more === 1 ? "" : "s"})` : short;
}
