// A suite that needs something of the machine (root, the shared corpus) may skip on a developer's
// box, but never in CI: with CI=true a missing requirement fails the file with the reason, so a
// guard's test cannot go quiet because the runner changed.

/** True when the suite should skip (requirement missing, not CI); throws in CI when it is missing. */
export function skipUnless(present: boolean, what: string): boolean {
  if (present) return false;
  if (process.env.CI === "true")
    throw new Error(`${what} is missing and CI=true: this suite must run in CI, not skip`);
  return true;
}
