// Quiet image set-up: debootstrap's ~575 lines become a few phase lines (the rest goes to a log
// file), and the expected registry fallback is announced without an error-looking pull message.
import { describe, expect, it } from "vitest";
import { chooseBase, debootstrapPhase, registryBase } from "../../src/run/image.js";
import type { ContainerClient } from "../../src/run/container-client.js";

/** A shortened but real-shaped debootstrap run (same line kinds, in order). */
function debootstrapLog(): string[] {
  const pkgs = Array.from({ length: 90 }, (_, i) => `pkg${i}`);
  return [
    "I: Retrieving InRelease",
    "I: Checking Release signature",
    "I: Valid Release signature (key id 4D64FEC119C2029067D6E791F8D2585B8783D481)",
    "I: Retrieving Packages",
    "I: Validating Packages",
    "I: Resolving dependencies of required packages...",
    "I: Resolving dependencies of base packages...",
    "I: Checking component main on http://deb.debian.org/debian...",
    ...pkgs.flatMap((p) => [`I: Retrieving ${p} 1.0`, `I: Validating ${p} 1.0`]),
    "I: Chosen extractor for .deb packages: dpkg-deb",
    ...pkgs.map((p) => `I: Extracting ${p}...`),
    "I: Installing core packages...",
    ...pkgs.map((p) => `I: Unpacking ${p}...`),
    ...pkgs.map((p) => `I: Configuring ${p}...`),
    "I: Base system installed successfully.",
  ];
}

describe("debootstrap progress", () => {
  it("turns hundreds of log lines into one line per phase", () => {
    const log = debootstrapLog();
    expect(log.length).toBeGreaterThan(400);
    const shown: string[] = [];
    let phase: string | undefined;
    for (const l of log) {
      const next = debootstrapPhase(l);
      if (next !== undefined && next !== phase) shown.push((phase = next));
    }
    expect(shown).toEqual([
      "fetching the package lists",
      "resolving dependencies",
      "downloading packages",
      "extracting packages",
      "installing the base system",
      "configuring packages",
      "base system installed",
    ]);
  });
});

describe("registry fallback", () => {
  it("says a local base will be built, without an error-looking pull message", async () => {
    const lines: string[] = [];
    const client = {
      inspectImage: async (ref: string) => (ref === registryBase ? undefined : { id: "sha256:base" }),
      pull: async () => {
        throw new Error(
          'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host',
        );
      },
    } as unknown as ContainerClient;
    await chooseBase(client, (l) => lines.push(l));
    const fallback = lines.find((l) => l.includes("local base"));
    expect(fallback).toMatch(/not available from a registry here .*building a local base/);
    expect(lines.join("\n")).not.toMatch(/error|no such host|dial tcp|lookup/i);
  });
});
