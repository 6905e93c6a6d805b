// Session 8 (issue 14): persistence and tampering acts that no declared purpose covers, each in
// its own module; one entry point so the detector list names them once.

import type { DetectContext } from "../context.js";
import { detectAgentSafetyOff } from "./agent-safety-off.js";
import { detectForeignKey } from "./persist-foreign-key.js";
import { detectGitHooks } from "./persist-git-hooks.js";
import { detectMemoryAuthority } from "./persist-memory-authority.js";
import { detectScheduledRemote } from "./persist-scheduled-remote.js";
import { detectSourceRedirect } from "./persist-source-redirect.js";
import { detectCommandWrapper } from "./persist-wrapper.js";

export function detectPersistActs(ctx: DetectContext): void {
  detectForeignKey(ctx);
  detectCommandWrapper(ctx);
  detectGitHooks(ctx);
  detectScheduledRemote(ctx);
  detectAgentSafetyOff(ctx);
  detectMemoryAuthority(ctx);
  detectSourceRedirect(ctx);
}
