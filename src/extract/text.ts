// Plain text of an mdast subtree (what a reader sees), built iteratively so deep inline
// nesting cannot overflow the stack.

import type { Nodes } from "mdast";

export function plainText(node: Nodes): string {
  const parts: string[] = [];
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Nodes;
    if ("value" in n && typeof n.value === "string" && n.type !== "yaml" && n.type !== "html")
      parts.push(n.value);
    else if (n.type === "image" || n.type === "imageReference") parts.push(n.alt ?? "");
    else if (n.type === "break") parts.push("\n");
    if ("children" in n)
      for (let i = n.children.length - 1; i >= 0; i -= 1) stack.push(n.children[i] as Nodes);
  }
  return parts.join("");
}
