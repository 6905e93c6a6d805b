// What a step can learn about the host, against a real daemon: the kernel's uevent stream and
// every netlink family but NETLINK_ROUTE are refused, /proc/cmdline and friends read empty, and
// a normal step (which resolves names and lists interfaces through NETLINK_ROUTE) still works.

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runSteps } from "../../src/run/runner.js";
import { bashStep } from "../fixtures/run/judged.js";
import { docker, testPolicy, type DockerFixture } from "./sandbox-docker.js";

let d: DockerFixture;
beforeAll(async () => {
  d = await docker();
});

async function run(text: string) {
  const result = await runSteps([bashStep(text)], { client: d.client, image: d.image, policy: testPolicy() });
  const step = result.steps[0];
  if (!step) throw new Error("no step result");
  return step;
}

/** perl: socket(AF_NETLINK, SOCK_RAW, protocol); prints "open" or the errno text. */
const netlink = (protocol: number) =>
  `perl -e 'if (socket(my $s, 16, 3, ${protocol})) { print "open\\n" } else { print "refused: $!\\n" }'`;

describe("host view", () => {
  it("refuses the uevent stream (NETLINK_KOBJECT_UEVENT) and other netlink families, keeps NETLINK_ROUTE", async () => {
    const step = await run(
      [
        `echo "uevent $(${netlink(15)})"`,
        `echo "audit $(${netlink(9)})"`,
        `echo "sock_diag $(${netlink(4)})"`,
        `echo "route $(${netlink(0)})"`,
        // A normal step: glibc name resolution (getaddrinfo) still works.
        "getent ahosts 127.0.0.1 >/dev/null && echo resolved",
      ].join("; "),
    );
    expect(step.outcome, step.stdout + step.stderr).toBe("ok");
    const lines = step.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^uevent refused: /);
    expect(lines[1]).toMatch(/^audit refused: /);
    expect(lines[2]).toMatch(/^sock_diag refused: /);
    expect(lines[3]).toBe("route open");
    expect(lines[4]).toBe("resolved");
  });

  it("shows nothing of the kernel command line, modules or symbols", async () => {
    // The host's own command line is not empty: the test would prove nothing otherwise.
    expect(readFileSync("/proc/cmdline", "utf8").trim()).not.toBe("");
    const step = await run(
      "for f in /proc/cmdline /proc/modules /proc/kallsyms /proc/keys; do printf '%s %s\\n' $f \"$(cat $f 2>/dev/null | wc -c)\"; done",
    );
    expect(step.outcome).toBe("ok");
    expect(step.stdout).toBe("/proc/cmdline 0\n/proc/modules 0\n/proc/kallsyms 0\n/proc/keys 0\n");
  });
});
