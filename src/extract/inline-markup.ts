// Inline markup an author can wrap around a command in prose: emphasis (`_…_`, `__…__`, `*…*`,
// `_**…**_`), strikethrough (`~~…~~`), a link's text, an image's alt text, formatting HTML tags.
// An agent reads the command through the markup, so the detectors must too: a wrapper is never
// a way to keep a command from being judged.

import type { Nodes, Parents } from "mdast";
import { plainText } from "./text.js";

/** Wrapper nodes whose text an agent reads as part of the sentence (a command inside is one). */
const WRAPPERS = new Set(["emphasis", "strong", "delete", "link", "linkReference"]);

/**
 * The command-candidate text of a wrapper node, or undefined when another node speaks for it:
 * a wrapper around a single non-text node (`_**…**_`, `**\`…\`**`) leaves the text to that child,
 * so the same command is not extracted twice.
 */
export function wrappedText(node: Nodes): string | undefined {
  if (!WRAPPERS.has(node.type) || !("children" in node)) return undefined;
  const kids = (node as Parents).children;
  if (kids.length === 1 && kids[0]?.type !== "text") return undefined;
  const text = plainText(node).trim();
  return text === "" ? undefined : text;
}

/** Emphasis delimiter runs: `*` and `_`, mixed when nested (`_**`), and GFM's `~~`. */
const DELIMITER_RUN = /[*_]+|~~+/g;

/**
 * A prose line as a renderer shows it with emphasis and strikethrough delimiters removed. A run
 * goes when it can open (nothing word-like before it, text after it) or close (text before it,
 * nothing word-like after it); a run between two word characters stays, so snake_case names
 * (`max_retries`) keep their underscores. One pass: linear time.
 */
export function withoutEmphasisMarks(line: string): string {
  return line.replace(DELIMITER_RUN, (run: string, at: number) => {
    if (run.length > 6 || (run.startsWith("~") && run.length !== 2)) return run;
    const before = line[at - 1];
    const after = line[at + run.length];
    const opens = (before === undefined || !/\w/.test(before)) && after !== undefined && !/\s/.test(after);
    const closes = (after === undefined || !/\w/.test(after)) && before !== undefined && !/\s/.test(before);
    return opens || closes ? "" : run;
  });
}

/** `~~…~~` spans of a prose line (the parser here reads no GFM, so they are plain text to it). */
export function strikethroughSpans(line: string): Array<{ text: string; index: number }> {
  const spans: Array<{ text: string; index: number }> = [];
  for (const m of line.matchAll(/~~([^~]+)~~/g))
    spans.push({ text: m[1]!.trim(), index: (m.index ?? 0) + 2 });
  return spans;
}

/** Inline HTML elements whose content is code. */
const CODE_TAGS = new Set(["code", "kbd", "samp", "tt"]);
/** Inline HTML formatting an author can wrap around a command. */
const FORMAT_TAGS = new Set(
  "i em b strong s del strike ins u mark span small big q cite var sub sup".split(" "),
);

/**
 * The inline HTML spans of a prose line (`<code>…</code>`, `<b>…</b>` …) with their raw content,
 * outermost and innermost alike. Tags are found in one pass (a tag's attributes stop at the next
 * `<`) and paired with a stack per name: linear in the line, however many tags never close.
 */
export function inlineHtmlSpans(line: string): Array<{ content: string; index: number; code: boolean }> {
  const spans: Array<{ content: string; index: number; code: boolean }> = [];
  const open = new Map<string, number[]>();
  for (const m of line.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>/g)) {
    const name = m[2]!.toLowerCase();
    if (!CODE_TAGS.has(name) && !FORMAT_TAGS.has(name)) continue;
    const at = m.index ?? 0;
    if (m[1] === "") {
      const starts = open.get(name) ?? [];
      starts.push(at + m[0].length);
      open.set(name, starts);
      continue;
    }
    const start = open.get(name)?.pop();
    if (start !== undefined)
      spans.push({ content: line.slice(start, at), index: start, code: CODE_TAGS.has(name) });
  }
  return spans.sort((a, b) => a.index - b.index);
}

/** Emphasis-like wrappers whose runs can spell a command word by word (`**curl** _-fsSL_ …`). */
const RUN_WRAPPERS = new Set(["emphasis", "strong", "delete"]);

/** Plain text between two runs that a command line carries: operators, options, paths, URLs. */
function joinsRuns(text: string): boolean {
  for (const token of text.split(/[ \t]+/)) {
    if (token === "") continue;
    if (/^(?:\|\|?|&&|;|&|\d?>>?(?:&\d)?|<)$/.test(token)) continue;
    if (/^-{1,2}[A-Za-z]/.test(token) || token.includes("/") || token.includes("$")) continue;
    return false;
  }
  return true;
}

/**
 * A command written as a row of markup runs in one paragraph (`**curl** _-fsSL_ **https://…** |
 * __bash__`): sibling emphasis, strong, strikethrough and code spans joined only by whitespace
 * and what a command line carries (operators, options, paths). The agent reads the rendered row
 * as one command, so it is returned as one text, like a code span. A group needs two runs, one
 * of them emphasis-like (a single run is its own wrapper's text). Linear in the children.
 */
export function markupRunGroups(children: readonly Nodes[]): Array<{ text: string; first: Nodes }> {
  const groups: Array<{ text: string; first: Nodes }> = [];
  let members: Nodes[] = [];
  let pendingJoin = "";
  const flush = () => {
    // Leading label runs (`**Install:** \`…\``) introduce the command; they are not part of it.
    let from = 0;
    while (
      from < members.length &&
      members[from]!.type !== "inlineCode" &&
      plainText(members[from]!).trimEnd().endsWith(":")
    )
      from += members[from + 1]?.type === "text" ? 2 : 1;
    const kept = members.slice(from);
    const runs = kept.filter((m) => m.type !== "text");
    if (runs.length >= 2 && runs.some((m) => RUN_WRAPPERS.has(m.type)))
      groups.push({
        text: kept
          .map((m) => plainText(m))
          .join("")
          .trim(),
        first: kept[0]!,
      });
    members = [];
    pendingJoin = "";
  };
  for (const node of children) {
    if (RUN_WRAPPERS.has(node.type) || node.type === "inlineCode") {
      if (pendingJoin !== "") members.push({ type: "text", value: pendingJoin });
      pendingJoin = "";
      members.push(node);
    } else if (
      node.type === "text" &&
      members.length > 0 &&
      !node.value.includes("\n") &&
      joinsRuns(node.value)
    ) {
      pendingJoin += node.value;
    } else flush();
  }
  flush();
  return groups;
}
