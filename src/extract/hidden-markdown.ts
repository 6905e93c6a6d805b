// Markdown that is never rendered: a link-reference definition no reference uses. Authors use
// it as a comment (`[//]: # (…)`, `[comment]: <> (…)`, `[note]: # "…"`): a reviewer reading the
// rendered skill sees nothing, the agent reads the raw text. Its title (and a label that is a
// sentence rather than a name) is hidden text, read like an HTML comment's.

import type { Definition, Nodes, Parents } from "mdast";

/** The identifiers that link and image references use (normalised by the parser). */
export function referencedLabels(root: Parents): Set<string> {
  const used = new Set<string>();
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as Nodes;
    if (n.type === "linkReference" || n.type === "imageReference") used.add(n.identifier);
    if ("children" in n) for (const c of n.children) stack.push(c as Nodes);
  }
  return used;
}

/**
 * The text a definition hides from the rendered view, or undefined when it renders (a
 * reference uses it: its title is that link's tooltip) or hides nothing.
 */
export function hiddenDefinitionText(node: Definition, used: ReadonlySet<string>): string | undefined {
  if (used.has(node.identifier)) return undefined;
  const label = node.label ?? "";
  const parts = [/\s/.test(label.trim()) ? label.trim() : "", node.title?.trim() ?? ""].filter(
    (p) => p !== "",
  );
  return parts.length > 0 ? parts.join("\n") : undefined;
}
