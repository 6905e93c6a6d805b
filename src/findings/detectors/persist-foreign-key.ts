// A public key written into authorized_keys that the skill carries as a literal (issue 14,
// session 8). The user's own key comes from a file or a variable (`cat ~/.ssh/id_ed25519.pub
// >> …`, ssh-copy-id); a key typed into the skill belongs to whoever wrote the skill, and
// writing it grants them a login on this machine for as long as the file lasts. No declared
// purpose (an ssh or server skill) covers that: high always. Line window: the key and the
// authorized_keys target within a few lines (a heredoc, a variable, a Python write).

import type { DetectContext } from "../context.js";
import { reportLine, skillTexts } from "./persist-lines.js";

/** A full OpenSSH public key: type, then at least 60 base64 characters (placeholders are shorter). */
const keyLiteral =
  /\b(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com)\s+AAAA[0-9A-Za-z+/]{60,}/;
const target = /authorized_keys2?\b/;
/** Lines between the key and the target (a heredoc body, a variable assignment above the write). */
const window = 8;

export function detectForeignKey(ctx: DetectContext): void {
  for (const t of skillTexts(ctx)) {
    const { lines } = t;
    let done = false;
    for (let i = 0; i < lines.length && !done; i++) {
      if (!target.test(lines[i] ?? "")) continue;
      for (let j = Math.max(0, i - window); j < Math.min(lines.length, i + window + 1); j++) {
        const k = keyLiteral.exec(lines[j] ?? "");
        if (!k) continue;
        // A doc that shows what the file looks like, or warns about such keys, orders nothing.
        if (t.advisory(i + 1) || t.advisory(j + 1)) continue;
        reportLine(
          ctx,
          t,
          j + 1,
          "persist.foreign-ssh-key",
          "high",
          `A public key carried in the skill (${k[0].slice(0, 24)}…) is written into authorized_keys (line ${i + 1}): whoever holds its private key can log in to this machine after the skill is gone. The user's own key comes from their key file, never from the skill.`,
        );
        done = true;
        break;
      }
    }
  }
}
