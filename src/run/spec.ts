// The hardened container every step runs in. One function builds it, so every step (run, exec,
// install, heartbeat) gets the same walls; tests check their effect against a real daemon.

import os from "node:os";
import type { SandboxLimits } from "../limits.js";
import type { ContainerSpec } from "./container-client.js";
import { containerHome, type Workspace } from "./workspace.js";

export const labelKeys = {
  run: "skillwall.run",
  step: "skillwall.step",
  pid: "skillwall.pid",
  host: "skillwall.host",
  created: "skillwall.created",
} as const;

export const sandboxPath = "/usr/local/bin:/usr/bin:/bin";

export interface StepSpecInput {
  image: string;
  runId: string;
  /** Step id or a short label ("exec"). */
  stepLabel: string;
  /** The resolved script (canonical rendering), run by a clean bash. */
  script: string;
  /** Extra env passed to this step only (the policy's variables the step expands). */
  env: ReadonlyMap<string, string>;
  limits: SandboxLimits;
  seccompJson: string;
  workspace?: Workspace;
  /** uid:gid inside the container; must own the workspace on the host. */
  user: { uid: number; gid: number };
  /** Docker network; "none" unless egress (issue 5) provides an internal network. */
  networkMode?: string;
  workingDir?: string;
}

function tmpfsOptions(bytes: number, extra: string[]): string {
  return ["rw", "noexec", "nosuid", "nodev", `size=${bytes}`, ...extra].join(",");
}

export function buildStepSpec(input: StepSpecInput): ContainerSpec {
  const l = input.limits;
  const env = [`HOME=${containerHome}`, `PATH=${sandboxPath}`];
  for (const [name, value] of input.env) env.push(`${name}=${value}`);
  const networkMode = input.networkMode ?? "none";
  const { uid, gid } = input.user;
  // RLIMIT_NPROC counts every process of the uid on the host, so it is only a backstop; the
  // pids cgroup is the real limit.
  const nproc = Math.max(1024, l.pids * 4);
  return {
    Image: input.image,
    Entrypoint: [],
    Cmd: ["/bin/bash", "--norc", "--noprofile", "-c", input.script],
    Env: env,
    User: `${uid}:${gid}`,
    WorkingDir: input.workingDir ?? input.workspace?.containerDir ?? containerHome,
    Hostname: "sandbox",
    Labels: {
      [labelKeys.run]: input.runId,
      [labelKeys.step]: input.stepLabel.slice(0, 200),
      [labelKeys.pid]: String(process.pid),
      [labelKeys.host]: os.hostname(),
      [labelKeys.created]: String(Date.now()),
    },
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: false,
    OpenStdin: false,
    Tty: false,
    NetworkDisabled: networkMode === "none",
    StopTimeout: 1,
    HostConfig: {
      CapDrop: ["ALL"],
      CapAdd: [],
      SecurityOpt: ["no-new-privileges:true", `seccomp=${input.seccompJson}`],
      ReadonlyRootfs: true,
      Privileged: false,
      Tmpfs: {
        "/tmp": tmpfsOptions(l.tmpBytes, []),
        // The home is scratch: writes outside the mounted skill directory succeed and vanish.
        [containerHome]: tmpfsOptions(l.tmpBytes, [`uid=${uid}`, `gid=${gid}`, "mode=0755"]),
      },
      Mounts: input.workspace
        ? [
            {
              Type: "bind",
              Source: input.workspace.hostDir,
              Target: input.workspace.containerDir,
              ReadOnly: false,
              BindOptions: { Propagation: "rprivate" },
            },
          ]
        : [],
      Binds: [],
      PidsLimit: l.pids,
      Memory: l.memoryBytes,
      MemorySwap: l.memorySwapBytes,
      NanoCpus: Math.round(l.cpus * 1e9),
      Ulimits: [
        { Name: "fsize", Soft: l.fileSizeBytes, Hard: l.fileSizeBytes },
        { Name: "nofile", Soft: l.openFiles, Hard: l.openFiles },
        { Name: "nproc", Soft: nproc, Hard: nproc },
        { Name: "core", Soft: 0, Hard: 0 },
      ],
      IpcMode: "private",
      ShmSize: Math.min(l.tmpBytes, 64 * 1024 * 1024),
      Devices: [],
      Init: true,
      NetworkMode: networkMode,
      AutoRemove: false,
      // Under memory pressure the kernel should pick a step before anything on the host.
      OomScoreAdj: 500,
      // Output is read through attach and capped; Docker must not keep its own unbounded copy.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
