// The resolved form a step container executes: the canonical bash rendering of the analysed
// script (src/shell's renderScript), run by `bash --norc --noprofile -c` with an empty
// environment. Never the step's original text, so a parser divergence can only make a step
// fail, never run something unchecked.

import type { ShellAnalysis } from "../model.js";
import { SkillwallError } from "../errors.js";
import { renderScript } from "../shell/render.js";
import { analyseShell } from "../shell/analyse.js";

export type ScriptRenderer = (script: NonNullable<ShellAnalysis["script"]>) => string;

/** The resolved script of a step, or an error saying why it cannot run as checked. */
/** Words, spaces, pipes and && of plain characters: no quoting, expansion, comment or escape. */
const plainText = /^[A-Za-z0-9_ ./,:=@%+|&-]*$/;

export function resolvedScript(analysis: ShellAnalysis, render: ScriptRenderer = renderScript): string {
  if (analysis.problems.length > 0 || !analysis.script) {
    const why = analysis.problems[0]?.message ?? "the step has no statically resolved form";
    throw new SkillwallError("unresolved-step", `the step cannot run as checked: ${why}`, {
      fix: "rewrite the step so every word is static, or run it by hand after review",
    });
  }
  for (const pipeline of analysis.script.pipelines) {
    for (const cmd of pipeline) {
      const dynamic = cmd.argv.find((w) => w.dynamic !== undefined);
      if (dynamic) {
        throw new SkillwallError(
          "unresolved-step",
          `word ${JSON.stringify(dynamic.raw)} is not static (${dynamic.dynamic ?? ""})`,
          {
            fix: "only statically resolved commands run in the sandbox",
          },
        );
      }
    }
  }
  const rendered = render(analysis.script);
  // Tests of the runner may pass a stand-in renderer; the real one must round-trip. A rendering
  // that is the analysed text itself (plus the final newline; the text made of plain characters
  // only, so no quote, escape, comment or continuation changes with it) parses to that analysis:
  // the parser is deterministic, and parsing it again would only repeat the work.
  if (render === renderScript && !(rendered === `${analysis.text}\n` && plainText.test(analysis.text)))
    assertRoundTrip(analysis.script, rendered);
  return rendered;
}

/**
 * Defence in depth: the rendering must parse back to exactly the commands that were judged
 * (same argv, same redirect targets). A renderer bug then refuses the step instead of running
 * something else.
 */
export function assertRoundTrip(script: NonNullable<ShellAnalysis["script"]>, rendered: string): void {
  const again = analyseShell(rendered);
  const shape = (s: NonNullable<ShellAnalysis["script"]>): string =>
    JSON.stringify({
      ops: s.operators,
      pipelines: s.pipelines.map((p) =>
        p.map((c) => ({
          argv: c.argv.map((w) => w.value),
          redirects: c.redirects.map((r) => [
            r.op,
            r.fd ?? null,
            r.target?.value ?? null,
            r.heredoc?.body ?? null,
          ]),
        })),
      ),
    });
  if (again.problems.length > 0 || !again.script || shape(again.script) !== shape(script)) {
    throw new SkillwallError(
      "render-mismatch",
      "the step's canonical rendering does not parse back to the checked commands",
      {
        fix: "this is a skillwall bug; report the step text",
      },
    );
  }
}
