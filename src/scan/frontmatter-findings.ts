// One high finding per way OpenClaw reads the frontmatter differently from skillwall (recorded by
// the extractor); it comes first because the rest of the review judged skillwall's reading.

import type { Finding, SkillModel } from "../model.js";

export function disagreementFindings(model: SkillModel): Finding[] {
  return (model.frontmatterDisagreements ?? []).map((d) => ({
    id: "frontmatter.openclaw-disagrees",
    category: "hidden-content",
    severity: "high",
    file: d.file,
    line: d.line,
    column: 1,
    message: `OpenClaw reads this frontmatter differently: ${d.why}`,
    evidence: (d.file === model.file ? model.text : "").split(/\r?\n/, 1)[0] ?? "",
  }));
}
