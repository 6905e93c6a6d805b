// `skillwall doctor`: is the sandbox usable here? Each check says what it found and, when it
// fails, what to do. The last check runs one hardened container and reads back its walls.

import type { ContainerClient } from "./container-client.js";
import { executeContainer } from "./execute.js";
import { findStepImage } from "./image.js";
import { resolveLimits } from "./limits.js";
import { allowedSyscalls, loadSeccompProfile } from "./seccomp.js";
import { buildStepSpec } from "./spec.js";

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const mustNotAllow = [
  "ptrace",
  "mount",
  "unshare",
  "setns",
  "keyctl",
  "bpf",
  "io_uring_setup",
  "kexec_load",
  "init_module",
];

export async function runDoctor(client: ContainerClient): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const setupFix =
    "run scripts/setup-docker.sh (as root it installs docker.io and starts dockerd), or start Docker yourself";

  let seccompJson = "";
  try {
    const { json, profile } = loadSeccompProfile();
    const allowed = allowedSyscalls(profile);
    const leaks = mustNotAllow.filter((n) => allowed.has(n));
    seccompJson = json;
    checks.push(
      leaks.length === 0
        ? { name: "seccomp profile", ok: true, detail: `deny by default, ${allowed.size} syscalls allowed` }
        : {
            name: "seccomp profile",
            ok: false,
            detail: `allows ${leaks.join(", ")}`,
            fix: "restore seccomp/step.json from the package",
          },
    );
  } catch (err) {
    checks.push({
      name: "seccomp profile",
      ok: false,
      detail: (err as Error).message,
      fix: "restore seccomp/step.json from the package",
    });
  }

  try {
    await client.ping();
  } catch (err) {
    checks.push({
      name: "docker",
      ok: false,
      detail: `no daemon answers: ${(err as Error).message}`,
      fix: setupFix,
    });
    return checks;
  }
  const info = await client.info();
  checks.push({
    name: "docker",
    ok: true,
    detail: `Docker ${info.serverVersion} (API ${info.apiVersion}), ${info.storageDriver}, cgroup v${info.cgroupVersion || "?"}`,
  });
  const seccompOn = info.securityOptions.some((o) => o.includes("name=seccomp"));
  checks.push(
    seccompOn
      ? { name: "seccomp support", ok: true, detail: "the daemon applies seccomp profiles" }
      : {
          name: "seccomp support",
          ok: false,
          detail: "the daemon reports no seccomp support",
          fix: "use a Docker build with seccomp (Debian's docker.io has it)",
        },
  );
  checks.push(
    info.initBinary
      ? {
          name: "runtime",
          ok: true,
          detail: `${info.defaultRuntime} (runtimes: ${info.runtimes.join(", ")}), init ${info.initBinary}`,
        }
      : {
          name: "runtime",
          ok: false,
          detail: `${info.defaultRuntime}, no init binary`,
          fix: "install tini (Debian: apt-get install tini) so containers get an init process",
        },
  );

  const image = await findStepImage(client).catch(() => undefined);
  if (!image) {
    checks.push({
      name: "step image",
      ok: false,
      detail: "not built, or images/ changed since it was",
      fix: "run `skillwall image build`",
    });
    return checks;
  }
  checks.push({ name: "step image", ok: true, detail: `${image.ref} (${image.id.slice(0, 19)})` });
  if (seccompJson === "") return checks;

  const limits = resolveLimits(undefined, { timeoutMs: 15_000 });
  const started = performance.now();
  const id = await client.create(
    buildStepSpec({
      image: image.id,
      runId: `doctor-${process.pid}`,
      stepLabel: "doctor",
      script:
        "id -u; grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status; ls /sys/class/net | tr '\\n' ' '",
      env: new Map(),
      limits,
      seccompJson,
      user: { uid: 1000, gid: 1000 },
    }),
  );
  try {
    const run = await executeContainer(client, id, { timeoutMs: limits.timeoutMs, outputBytes: 4096 });
    const ms = Math.round(performance.now() - started);
    const out = run.stdout;
    const walls = [
      out.startsWith("1000\n") ? "" : "not running as uid 1000",
      /Seccomp:\s+2/.test(out) ? "" : "seccomp filter not active",
      /NoNewPrivs:\s+1/.test(out) ? "" : "no-new-privileges not set",
      /CapEff:\s+0+\n/.test(out) ? "" : "capabilities not dropped",
      out.trim().split("\n").pop()?.trim() === "lo" ? "" : "a network interface besides lo",
    ].filter((s) => s !== "");
    checks.push(
      run.outcome === "ok" && walls.length === 0
        ? {
            name: "hardened container",
            ok: true,
            detail: `uid 1000, seccomp on, no-new-privileges, no capabilities, no network (${ms} ms)`,
          }
        : {
            name: "hardened container",
            ok: false,
            detail: `${run.outcome}: ${walls.join(", ") || run.error || run.stderr.trim()}`,
            fix: "check the daemon log; `skillwall image build --force` rebuilds the image",
          },
    );
  } finally {
    await client.remove(id).catch(() => undefined);
  }
  return checks;
}
