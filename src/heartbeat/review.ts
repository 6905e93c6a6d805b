// What `skillwall review` prints for a held change: the new findings first (worst first), what
// approving would take, then per file every change: frontmatter fields, JSON fields (a version
// bump in skill.json is visible), other files line by line, and the step and prose diff.

import { getBlobText } from "../remote/blobs.js";
import { renderDiff } from "./diff.js";
import { overrideReasons } from "./heartbeat.js";
import type { PendingReview } from "./state.js";
import { fieldChanges, frontmatterOf, jsonOf, lineChanges, renderFieldChanges } from "./structured-diff.js";
import { severityRank } from "../findings/util.js";

async function textOf(home: string, sha256: string | undefined): Promise<string> {
  if (sha256 === undefined) return "";
  try {
    return await getBlobText(home, sha256);
  } catch (err) {
    return `(cannot read ${sha256.slice(0, 12)}: ${(err as Error).message})`;
  }
}

export async function renderReview(home: string, skill: string, p: PendingReview): Promise<string> {
  const lines: string[] = [
    `${skill}: change detected ${p.detectedAt}, verdict ${p.verdict}, ${p.newFindings.length} new finding(s)`,
  ];
  const findings = [...p.newFindings].sort((a, b) => severityRank[b.severity] - severityRank[a.severity]);
  if (findings.length > 0) lines.push("new findings (worst first):");
  for (const f of findings) {
    lines.push(`  ! ${f.severity} ${f.id} at ${f.file}:${f.line}: ${f.message}`);
    if (f.evidence !== "") lines.push(`      ${JSON.stringify(f.evidence)}`);
  }
  const blocking = overrideReasons(p);
  if (blocking.length > 0)
    lines.push(`approving needs --override-deny and the typed skill name: ${blocking.join("; ")}`);
  lines.push("files:");
  for (const f of p.files)
    lines.push(
      `  ${f.path}: ${f.approvedSha256?.slice(0, 12) ?? "(new)"} → ${f.sha256.slice(0, 12)} (${f.size} bytes)`,
    );
  for (const f of p.files) {
    const before = await textOf(home, f.approvedSha256);
    const after = await textOf(home, f.sha256);
    if (f.path.endsWith(".md"))
      lines.push(
        ...renderFieldChanges(
          `${f.path} frontmatter`,
          fieldChanges(frontmatterOf(before), frontmatterOf(after)),
        ),
      );
    else if (f.path.endsWith(".json"))
      lines.push(...renderFieldChanges(`${f.path} (JSON)`, fieldChanges(jsonOf(before), jsonOf(after))));
    else lines.push(...renderFieldChanges(`${f.path} (lines)`, lineChanges(before, after)));
  }
  for (const d of p.diffs) lines.push(renderDiff(d));
  lines.push(`approve with: skillwall approve ${skill}    reject with: skillwall reject ${skill}`);
  return `${lines.join("\n")}\n`;
}
