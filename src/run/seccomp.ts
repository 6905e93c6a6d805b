// The seccomp profile every step container runs under (seccomp/step.json, shipped in the
// package). Read once and handed to Docker inline, minified.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SkillwallError } from "../errors.js";

export interface SeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo: number; op: string }>;
  includes?: { arches?: string[] };
  comment?: string;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap: Array<{ architecture: string; subArchitectures: string[] }>;
  syscalls: SeccompRule[];
}

/** seccomp/step.json at the package root (src/run and dist/run are both two levels down). */
export function seccompProfilePath(): string {
  return fileURLToPath(new URL("../../seccomp/step.json", import.meta.url));
}

let cached: { json: string; profile: SeccompProfile } | undefined;

export function loadSeccompProfile(path = seccompProfilePath()): { json: string; profile: SeccompProfile } {
  if (cached && path === seccompProfilePath()) return cached;
  let profile: SeccompProfile;
  try {
    profile = JSON.parse(readFileSync(path, "utf8")) as SeccompProfile;
  } catch (err) {
    throw new SkillwallError(
      "seccomp-profile",
      `cannot read the seccomp profile ${path}: ${(err as Error).message}`,
      {
        fix: "reinstall skillwall; the file seccomp/step.json ships with the package",
        cause: err,
      },
    );
  }
  if (profile.defaultAction !== "SCMP_ACT_ERRNO" || !Array.isArray(profile.syscalls)) {
    throw new SkillwallError("seccomp-profile", `the seccomp profile ${path} is not deny-by-default`, {
      fix: "restore seccomp/step.json from the package",
    });
  }
  const loaded = { json: JSON.stringify(profile), profile };
  if (path === seccompProfilePath()) cached = loaded;
  return loaded;
}

/** Syscall names allowed without conditions (for doctor and tests). */
export function allowedSyscalls(profile: SeccompProfile): Set<string> {
  const out = new Set<string>();
  for (const r of profile.syscalls) if (r.action === "SCMP_ACT_ALLOW") for (const n of r.names) out.add(n);
  return out;
}
