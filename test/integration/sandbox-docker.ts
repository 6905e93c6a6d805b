// Shared setup of the sandbox integration tests: a real Docker daemon and the step image.
// There is no skip: without Docker these tests fail, with the fix in the message.

import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DockerClient } from "../../src/run/docker.js";
import { buildStepImage } from "../../src/run/image.js";
import type { Policy } from "../../src/policy/types.js";

export interface DockerFixture {
  client: DockerClient;
  image: string;
}

let fixture: Promise<DockerFixture> | undefined;

export function docker(): Promise<DockerFixture> {
  fixture ??= (async () => {
    const client = new DockerClient();
    try {
      await client.ping();
    } catch (err) {
      throw new Error(
        `no Docker daemon answers (${(err as Error).message}); run scripts/setup-docker.sh (as root it installs and starts dockerd)`,
      );
    }
    const img = await buildStepImage(client);
    return { client, image: img.id };
  })();
  return fixture;
}

/** Small limits so the hostile tests end fast on 2 cores. */
export const smallLimits = {
  memoryBytes: 96 * 1024 * 1024,
  memorySwapBytes: 96 * 1024 * 1024,
  pids: 48,
  cpus: 1,
  timeoutMs: 4_000,
  outputBytes: 64 * 1024,
  tmpBytes: 8 * 1024 * 1024,
  fileSizeBytes: 4 * 1024 * 1024,
  openFiles: 128,
};

export function testPolicy(
  extra: Partial<Pick<Policy, "env" | "blockedPaths" | "sandbox">> = {},
): Pick<Policy, "sandbox" | "env" | "blockedPaths"> {
  return {
    sandbox: { ...smallLimits, ...extra.sandbox },
    env: extra.env ?? {},
    blockedPaths: extra.blockedPaths ?? ["~/.ssh/**", "~/.aws/**"],
  };
}

export async function tempAgentHome(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "skillwall-agent-home-"));
}
