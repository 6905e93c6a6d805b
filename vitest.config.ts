import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Each agent home's trust state lives outside it (src/remote/paths.ts); tests keep theirs
    // under the temp directory instead of /var/lib/skillwall.
    env: { SKILLWALL_STATE_ROOT: path.join(os.tmpdir(), "skillwall-test-state") },
  },
});
