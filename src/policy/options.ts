// Option parsing of an argv against one CommandRule, with GNU getopt semantics: flags bundle
// (-sSL), a valued short option takes the rest of its bundle or the next argument (-XPOST,
// -X POST), long options take --opt=value or the next argument, options may appear anywhere
// (permutation) until `--`. Single-dash long names (find's -name) are matched whole first.
// Unwrapping rules (timeout, env …) stop at their first positional overflow: the rest is the
// inner command.

import type { Word } from "../model.js";
import type { CommandRule, OptionSpec } from "./types.js";
import { literalPrefix, sliceWord } from "./words.js";

export interface ParsedOption {
  spec: OptionSpec;
  /** The spelling used ("-X", "--request"). */
  name: string;
  value?: Word;
  /** argv index of the argument the option appeared in. */
  index: number;
}

export interface ParsedArgs {
  ok: true;
  options: ParsedOption[];
  positionals: Array<{ word: Word; index: number }>;
  /** Unwrap rules: argv index where the inner command starts (argv.length when none). */
  innerStart: number;
}

export interface ParseFailure {
  ok: false;
  reason: string;
  fix: string;
  /** argv index reached: used to pick the closest rule for the message. */
  progress: number;
}

function lookup(rule: CommandRule, name: string): OptionSpec | undefined {
  return rule.options.find((o) => o.names.includes(name));
}

function maxPositionals(rule: CommandRule): number {
  return rule.positionals.reduce((n, p) => n + p.max, 0);
}

/** Parse argv[1..] (argv[0] is the program) against the rule's option specs. */
export function parseArgs(argv: readonly Word[], rule: CommandRule): ParsedArgs | ParseFailure {
  const where = `commands[${rule.id}]`;
  const options: ParsedOption[] = [];
  const positionals: Array<{ word: Word; index: number }> = [];
  const program = argv[0]?.value ?? "";
  const fail = (index: number, reason: string, fix: string): ParseFailure => ({
    ok: false,
    reason: `${program}: ${reason}`,
    fix,
    progress: index,
  });
  const unknown = (index: number, name: string, bundle?: string): ParseFailure =>
    fail(
      index,
      `option ${name}${bundle ? ` (in '${bundle}', argument ${index})` : ` (argument ${index})`} is not allowed by rule ${rule.id}`,
      `add '${name}' to ${where}.options (only if it cannot write files, run code or move traffic)`,
    );
  const posLimit = rule.unwrap ? maxPositionals(rule) : Number.POSITIVE_INFINITY;
  let endOfOptions = false;
  let i = 1;
  while (i < argv.length) {
    const word = argv[i] as Word;
    const v = word.value;
    // Unwrap: options stop at the first positional (POSIX mode), the inner command begins
    // after the wrapper's own positionals.
    const isOption =
      !endOfOptions && v.length > 1 && v.startsWith("-") && !(rule.unwrap && positionals.length > 0);
    if (!isOption) {
      if (positionals.length >= posLimit) return { ok: true, options, positionals, innerStart: i };
      positionals.push({ word, index: i });
      i++;
      continue;
    }
    if (v === "--") {
      if (!rule.endOfOptions) {
        return fail(
          i,
          `'--' (argument ${i}) is not allowed by rule ${rule.id}`,
          `set endOfOptions: true in ${where}`,
        );
      }
      endOfOptions = true;
      i++;
      continue;
    }
    if (v.startsWith("--")) {
      const eq = v.indexOf("=");
      const name = eq < 0 ? v : v.slice(0, eq);
      if (!literalPrefix(word, name.length + (eq < 0 ? 0 : 1))) {
        return fail(
          i,
          `argument ${i} builds an option name from a variable`,
          "cannot be allowed by policy: write the option literally",
        );
      }
      const spec = lookup(rule, name);
      if (!spec) return unknown(i, name);
      if (!spec.value) {
        if (eq >= 0)
          return fail(i, `option ${name} (argument ${i}) takes no value`, `remove '=…' from ${name}`);
        options.push({ spec, name, index: i });
        i++;
        continue;
      }
      if (eq >= 0) {
        const value = sliceWord(word, eq + 1);
        if (!value) return fail(i, `argument ${i} cannot be split at '='`, "write the option literally");
        options.push({ spec, name, value, index: i });
        i++;
        continue;
      }
      const next = argv[i + 1];
      if (!next) return fail(i, `option ${name} (argument ${i}) needs a value`, `give ${name} a value`);
      options.push({ spec, name, value: next, index: i });
      i += 2;
      continue;
    }
    // Single-dash word: a whole single-dash long name first (find -name), else a bundle.
    if (!literalPrefix(word, 2)) {
      return fail(
        i,
        `argument ${i} builds an option name from a variable`,
        "cannot be allowed by policy: write the option literally",
      );
    }
    const whole = v.length > 2 && literalPrefix(word, v.length) ? lookup(rule, v) : undefined;
    if (whole) {
      if (whole.value) {
        const next = argv[i + 1];
        if (!next) return fail(i, `option ${v} (argument ${i}) needs a value`, `give ${v} a value`);
        options.push({ spec: whole, name: v, value: next, index: i });
        i += 2;
      } else {
        options.push({ spec: whole, name: v, index: i });
        i++;
      }
      continue;
    }
    let consumedNext = false;
    const chars = Array.from(v);
    for (let k = 1; k < chars.length; k++) {
      const name = `-${chars[k]}`;
      const spec = lookup(rule, name);
      if (!spec) return unknown(i, name, chars.length > 2 ? v : undefined);
      if (!spec.value) {
        options.push({ spec, name, index: i });
        continue;
      }
      const offset = chars.slice(0, k + 1).join("").length;
      if (offset < v.length) {
        if (!literalPrefix(word, offset)) {
          return fail(i, `argument ${i} builds an option name from a variable`, "write the option literally");
        }
        const value = sliceWord(word, offset);
        if (!value)
          return fail(i, `argument ${i} cannot be split after ${name}`, "write the option literally");
        options.push({ spec, name, value, index: i });
      } else {
        const next = argv[i + 1];
        if (!next) return fail(i, `option ${name} (argument ${i}) needs a value`, `give ${name} a value`);
        options.push({ spec, name, value: next, index: i });
        consumedNext = true;
      }
      break;
    }
    i += consumedNext ? 2 : 1;
  }
  return { ok: true, options, positionals, innerStart: argv.length };
}

/** Option counts: `max` per spec and `required` specs. */
export function checkOptionCounts(parsed: ParsedArgs, rule: CommandRule): ParseFailure | undefined {
  for (const spec of rule.options) {
    const uses = parsed.options.filter((o) => o.spec === spec);
    const label = spec.names.join("/");
    if (spec.required && uses.length === 0) {
      return {
        ok: false,
        reason: `rule ${rule.id} requires option ${label}, which is missing`,
        // Never "drop required": a required option is what bounds the command (wget's
        // --max-redirect=0, set's -e), so dropping it would allow the unbounded form.
        fix: `add ${spec.names[0] ?? label} to the command (commands[${rule.id}] requires it)`,
        progress: 0,
      };
    }
    if (spec.max !== undefined && uses.length > spec.max) {
      const last = uses[uses.length - 1] as ParsedOption;
      return {
        ok: false,
        reason: `option ${label} appears ${uses.length} times (argument ${last.index}), rule ${rule.id} allows ${spec.max}`,
        fix: `raise max of ${label} in commands[${rule.id}].options`,
        progress: last.index,
      };
    }
  }
  return undefined;
}
