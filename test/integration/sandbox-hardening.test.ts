// What a hostile step can do inside the sandbox, checked against a real Docker daemon: every
// assertion is about the effect (the write failed, the syscall was refused), not the config.

import { copyFile, chmod, mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { executeContainer } from "../../src/run/execute.js";
import { resolveLimits } from "../../src/run/limits.js";
import { runSteps } from "../../src/run/runner.js";
import { loadSeccompProfile } from "../../src/run/seccomp.js";
import { buildStepSpec } from "../../src/run/spec.js";
import { bashStep, judged } from "../fixtures/run/judged.js";
import { docker, smallLimits, tempAgentHome, testPolicy, type DockerFixture } from "./sandbox-docker.js";

let d: DockerFixture;
beforeAll(async () => {
  d = await docker();
});

async function runOne(text: string, opts: { agentHome?: string; keepGoing?: boolean } = {}) {
  const result = await runSteps([bashStep(text)], {
    client: d.client,
    image: d.image,
    policy: testPolicy(),
    ...(opts.agentHome ? { workspace: { agentHome: opts.agentHome, relDir: ".moltbot/skills/demo" } } : {}),
  });
  const step = result.steps[0];
  if (!step) throw new Error("no step result");
  return step;
}

describe("resource limits", () => {
  it("stops a fork bomb at the pids limit and the run goes on", async () => {
    const count = bashStep(
      `perl -e 'my $n = 0; for (1..200) { my $p = fork; last unless defined $p; if ($p == 0) { sleep 20; exit 0 } $n++ } print "$n\\n"'`,
    );
    const bomb = bashStep(":(){ :|:& };:; sleep 2; echo survived");
    const after = bashStep("echo still-running");
    const result = await runSteps([count, bomb, after], {
      client: d.client,
      image: d.image,
      policy: testPolicy(),
      keepGoing: true,
    });
    const [c, b, a] = result.steps;
    const forked = Number(c?.stdout.trim());
    expect(forked).toBeGreaterThan(5);
    expect(forked).toBeLessThan(smallLimits.pids);
    // The bomb hit the limit (bash reports failing forks) and did not take the run down with it.
    expect(b?.durationMs).toBeLessThan(smallLimits.timeoutMs + 3_000);
    expect(b?.stderr).toContain("fork: retry: Resource temporarily unavailable");
    expect(a?.outcome).toBe("ok");
    expect(a?.stdout).toBe("still-running\n");
  });

  it("kills a memory bomb and reports it as OOM", async () => {
    const step = await runOne(`perl -e 'my @a; push @a, "x" x (1 << 20) while 1'`);
    expect(step.outcome).toBe("oom-killed");
    expect(step.exitCode).not.toBe(0);
  });

  it("kills a spin loop at the wall-clock timeout", async () => {
    const step = await runOne("while :; do :; done");
    expect(step.outcome).toBe("timed-out");
    expect(step.durationMs).toBeGreaterThanOrEqual(smallLimits.timeoutMs - 50);
    expect(step.durationMs).toBeLessThan(smallLimits.timeoutMs + 3_000);
  });

  it("caps an output flood and stops the step", async () => {
    const step = await runOne("yes flood");
    expect(step.outcome).toBe("output-capped");
    expect(step.outputCapped).toBe(true);
    expect(Buffer.byteLength(step.stdout)).toBeLessThanOrEqual(smallLimits.outputBytes);
    expect(step.stdoutBytes).toBeGreaterThan(smallLimits.outputBytes);
  });

  it("refuses a file larger than the file-size limit", async () => {
    const step = await runOne(
      `head -c ${smallLimits.fileSizeBytes * 2} /dev/zero > /tmp/big; echo "exit=$?"; stat -c %s /tmp/big`,
    );
    expect(step.stdout).not.toContain("exit=0");
    expect(Number(step.stdout.trim().split("\n").pop())).toBeLessThanOrEqual(smallLimits.fileSizeBytes);
  });

  it("strips control characters from what goes back to the agent", async () => {
    const step = await runOne(`printf 'a\\033[31mred\\033[0m\\007b\\033]0;title\\007c\\n'`);
    expect(step.stdout).toBe("aredbc\n");
  });
});

describe("filesystem", () => {
  it("fails writes to /, /etc, /usr and other system paths", async () => {
    const step = await runOne(
      `for d in / /etc /usr /usr/local/bin /var /root /opt; do if touch "$d/skillwall-probe" 2>/dev/null; then echo "wrote $d"; else echo "denied $d"; fi; done`,
    );
    expect(step.stdout).not.toContain("wrote");
    expect(step.stdout.match(/denied/g)).toHaveLength(7);
  });

  it("keeps writes outside the skill directory off the host", async () => {
    const home = await tempAgentHome();
    const step = await runOne(
      [
        "echo in > ~/.moltbot/skills/demo/inside.txt",
        "echo out > ~/outside.txt",
        "echo rc > ~/.bashrc",
        "echo tmp > /tmp/t",
        "cat ~/outside.txt",
        // The workspace's parents belong to root inside the container: a sibling cannot be made.
        "(mkdir ~/.moltbot/skills/other 2>/dev/null && echo made-sibling || true)",
      ].join(" && "),
      { agentHome: home },
    );
    expect(step.outcome).toBe("ok");
    expect(step.stdout).toBe("out\n"); // the write succeeded inside the container …
    expect(await readdir(home)).toEqual([".moltbot"]); // … and nothing of it reached the host
    expect(await readdir(path.join(home, ".moltbot", "skills"))).toEqual(["demo"]);
    expect(await readdir(path.join(home, ".moltbot", "skills", "demo"))).toEqual(["inside.txt"]);
  });

  it("does not let a setuid-root binary raise privileges", async () => {
    // The image has none at all.
    const scan = await runOne("find / -xdev -perm /6000 -type f 2>/dev/null; echo done");
    expect(scan.stdout).toBe("done\n");

    // A setuid binary smuggled into the workspace: the preflight refuses to mount it …
    const home = await tempAgentHome();
    const dir = path.join(home, ".moltbot", "skills", "demo");
    await mkdir(dir, { recursive: true });
    await copyFile("/usr/bin/id", path.join(dir, "id"));
    await chmod(path.join(dir, "id"), 0o4755);
    await expect(runOne("./id -u", { agentHome: home })).rejects.toThrow(/setuid/);

    // … and mounted anyway (bypassing the preflight), no-new-privileges keeps the caller's uid.
    const owner = (await stat(path.join(dir, "id"))).uid;
    const limits = resolveLimits(smallLimits);
    const id = await d.client.create(
      buildStepSpec({
        image: d.image,
        runId: `test-setuid-${process.pid}`,
        stepLabel: "setuid",
        script: "./id -u; ./id -ru",
        env: new Map(),
        limits,
        seccompJson: loadSeccompProfile().json,
        workspace: { hostDir: dir, containerDir: "/home/agent/.moltbot/skills/demo", agentHome: home },
        user: { uid: 65534, gid: 65534 },
      }),
    );
    try {
      const run = await executeContainer(d.client, id, { timeoutMs: 10_000, outputBytes: 4096 });
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("65534\n65534\n");
      expect(owner).not.toBe(65534);
    } finally {
      await d.client.remove(id);
    }
  });

  it("refuses a workspace holding a symlink that points outside it", async () => {
    const home = await tempAgentHome();
    const dir = path.join(home, ".moltbot", "skills", "demo");
    await mkdir(dir, { recursive: true });
    const { symlink } = await import("node:fs/promises");
    await symlink("/etc", path.join(dir, "etc-link"));
    await expect(runOne("ls etc-link/", { agentHome: home })).rejects.toThrow(/points outside the workspace/);
  });
});

describe("kernel surface", () => {
  it("refuses ptrace, mount, unshare, keyctl, bpf, io_uring, userfaultfd and setns", async () => {
    const probes: Array<[string, string]> = [
      ["ptrace", "101, 0, 0, 0, 0"],
      ["mount", "165, 0, 0, 0, 0, 0"],
      ["umount2", "166, 0, 0"],
      ["unshare", "272, 0x10000000"],
      ["keyctl", "250, 0, 0, 0, 0, 0"],
      ["add_key", "248, 0, 0, 0, 0, 0"],
      ["bpf", "321, 0, 0, 0"],
      ["perf_event_open", "298, 0, 0, 0, 0, 0"],
      ["io_uring_setup", "425, 1, 0"],
      ["userfaultfd", "323, 0"],
      ["setns", "308, 0, 0"],
      ["pivot_root", "155, 0, 0"],
    ];
    const perl = probes
      .map(([name, args]) => `print "${name}=", syscall(${args}), " ", ($!+0), "\\n";`)
      .join(" ");
    const step = await runOne(`perl -e '${perl}'`);
    const lines = step.stdout.trim().split("\n");
    expect(lines).toEqual(probes.map(([name]) => `${name}=-1 1`)); // -1 with EPERM
  });

  it("refuses a user namespace (unshare -U) and namespace flags on clone", async () => {
    const step = await runOne(`unshare -U true; echo "unshare=$?"; unshare -r id; echo "map=$?"`);
    expect(step.stdout).toBe("unshare=1\nmap=1\n");
  });

  it("kills a process that tries to load a kernel module or kexec", async () => {
    const step = await runOne(`perl -e 'syscall(313, 0, 0, 0); print "survived\\n"'`);
    expect(step.outcome).toBe("seccomp-killed");
    expect(step.signal).toBe("SIGSYS");
    expect(step.stdout).toBe("");
  });

  it("refuses raw and packet sockets and the sysrq trigger", async () => {
    const step = await runOne(
      [
        `perl -MSocket -e 'socket(my $r, PF_INET, SOCK_RAW, 1) ? print "raw=open\\n" : print "raw=", $!+0, "\\n"; socket(my $p, 17, SOCK_RAW, 0) ? print "packet=open\\n" : print "packet=", $!+0, "\\n"'`,
        `if echo b > /proc/sysrq-trigger 2>/dev/null; then echo sysrq=written; else echo sysrq=denied; fi`,
      ].join("; "),
    );
    expect(step.stdout).toBe("raw=1\npacket=1\nsysrq=denied\n");
  });

  it("has no network at all", async () => {
    const step = await runOne(
      `ls /sys/class/net; curl -sS --max-time 3 http://1.1.1.1/ -o /dev/null; echo "ip=$?"; curl -sS --max-time 3 https://deb.debian.org/ -o /dev/null; echo "dns=$?"`,
    );
    expect(step.stdout).toBe("lo\nip=7\ndns=6\n");
  });

  it("keeps the step's view of the world: uid, clean env, tools", async () => {
    const step = await runOne(
      `id -u; env | sort | cut -d= -f1 | tr '\\n' ' '; echo; git --version >/dev/null && tar --version >/dev/null && unzip -v >/dev/null && curl --version >/dev/null && echo tools-ok`,
    );
    expect(step.stdout).toBe(
      `${process.getuid?.() === 0 ? 1000 : process.getuid?.()}\nHOME HOSTNAME PATH PWD SHLVL _ \ntools-ok\n`,
    );
  });

  it("passes the policy's env vars only to the steps that expand them", async () => {
    const uses = judged([["printenv", "SKILL_TOKEN"]], { env: ["SKILL_TOKEN"] });
    const other = judged([["bash", "-c", "printenv SKILL_TOKEN || echo absent"]]);
    const result = await runSteps([uses, other], {
      client: d.client,
      image: d.image,
      policy: testPolicy({ env: { SKILL_TOKEN: { secret: true } } }),
      env: { SKILL_TOKEN: "s3cret" },
    });
    expect(result.steps.map((s) => s.stdout)).toEqual(["s3cret\n", "absent\n"]);
  });
});
