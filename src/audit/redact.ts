// Secret redaction by value: every string anywhere in a record (keys too) has each secret value
// replaced. Values shorter than 4 characters are redacted only where they are the whole string,
// so a one-letter "secret" cannot shred every hash and path in the log.

export const redactedMark = "[REDACTED]";
const maxDepth = 32;

export class Redactor {
  private values: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  add(secrets: Iterable<string>): void {
    const set = new Set(this.values);
    for (const s of secrets) if (typeof s === "string" && s.length > 0) set.add(s);
    // Longest first, so a secret that contains another is replaced whole.
    this.values = [...set].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.length;
  }

  string(text: string): string {
    let out = text;
    for (const secret of this.values) {
      if (out === secret) return redactedMark;
      if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(redactedMark);
    }
    return out;
  }

  /**
   * A plain-JSON copy of `value` with secrets redacted: null-prototype objects (so keys like
   * "__proto__" stay data), no functions/symbols, bigint as string, cycles and depth cut.
   */
  value(value: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
    switch (typeof value) {
      case "string":
        return this.string(value);
      case "number":
        return Number.isFinite(value) ? value : String(value);
      case "boolean":
        return value;
      case "bigint":
        return this.string(value.toString());
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
      case "object":
        break;
    }
    if (value === null) return null;
    if (depth >= maxDepth) return "[too deep]";
    if (seen.has(value)) return "[circular]";
    seen.add(value);
    try {
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Error) {
        return this.value(
          { name: value.name, message: value.message, code: (value as { code?: unknown }).code },
          depth + 1,
          seen,
        );
      }
      if (Buffer.isBuffer(value)) return this.string(value.toString("utf8"));
      if (Array.isArray(value)) return value.map((v) => this.value(v, depth + 1, seen) ?? null);
      const out = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) {
        const copied = this.value(v, depth + 1, seen);
        if (copied !== undefined) out[this.string(k)] = copied;
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }
}
