// The text of frontmatter fields other than `name` and `description` (issue 14, fail closed): an
// agent reads the whole frontmatter, so a field such as `notes:` or `metadata.setup:` holding an
// order must reach the findings like prose. Install specs are left out (they are judged as
// steps). Bounded: at most MAX_DEPTH levels and MAX_STRINGS strings per frontmatter.

const MAX_DEPTH = 20;
const MAX_STRINGS = 500;
const NAMESPACES = new Set(["openclaw", "clawdbot", "moltbot"]);

export interface FieldText {
  /** Dotted path of the field (`metadata.notes.setup`, `steps.0`). */
  field: string;
  text: string;
}

/** Every string value worth reading as text: at least two words, or a URL. */
export function frontmatterStrings(data: Record<string, unknown>): FieldText[] {
  const out: FieldText[] = [];
  const walk = (value: unknown, field: string[], depth: number): void => {
    if (out.length >= MAX_STRINGS || depth > MAX_DEPTH) return;
    if (typeof value === "string") {
      const text = value.trim();
      // A JSON metadata string is read as metadata by frontmatter.ts, not as text.
      if (text.startsWith("{")) return;
      if (/\S\s+\S/.test(text) || text.includes("://")) out.push({ field: field.join("."), text });
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (depth === 0 && (k === "name" || k === "description")) continue;
      // metadata.<namespace>.install: judged as steps already.
      if (depth === 2 && k === "install" && field[0] === "metadata" && NAMESPACES.has(field[1] ?? ""))
        continue;
      walk(v, [...field, k], depth + 1);
    }
  };
  walk(data, [], 0);
  return out;
}
