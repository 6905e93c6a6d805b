// skillwall serve: the sandbox supervisor the OpenClaw plugin calls in sandbox mode (runViaServe).

import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { HostFsError } from "../hostfs/host-dir.js";
import { loadPolicy } from "../policy/load.js";
import { DockerClient } from "../run/docker.js";
import { testEgressFromEnv } from "../run/egress-step.js";
import { iptablesFirewall } from "../run/firewall.js";
import { findStepImage } from "../run/image.js";
import { reapStaleNetworks } from "../run/reaper.js";
import { resolveLimits } from "../run/limits.js";
import { loadSeccompProfile } from "../run/seccomp.js";
import { canMountWorkspace, holdBindSource, reapWorkspaceVolumes } from "../run/workspace-volume.js";
import { ContainerPool } from "../serve/pool.js";
import { startServer } from "../serve/server.js";
import { initShell } from "../shell/index.js";
import type { CliContext } from "./context.js";

interface ServeOpts {
  socket: string;
  workspace: string;
  policy: string;
  pool?: string;
  caFile?: string;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description(
      "run the sandbox supervisor: a unix socket (0600, in a 0700 folder) that runs checked commands in warm hardened containers",
    )
    .requiredOption(
      "--socket <path>",
      "socket path; its folder must be the operator's own (mode 0700), outside the workspace",
    )
    .requiredOption(
      "--workspace <dir>",
      "host folder mounted as the agent workspace (owned by uid 1000, the container user)",
    )
    .option("--policy <policy>", "policy every request is judged against again", "agent")
    .option("--pool <n>", "warm containers kept ready (limits.servePoolSize)")
    .option(
      "--ca-file <pem>",
      "extra CA certificates commands with egress trust (a private registry's CA), added to the system bundle",
    )
    .action(async (opts: ServeOpts) => {
      const io = ctx.io;
      const size = opts.pool === undefined ? undefined : Number(opts.pool);
      if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 32)) {
        throw new InputError("serve-pool", `--pool ${opts.pool} is not a whole number from 1 to 32`, {
          fix: "--pool 2",
        });
      }
      const policy = await loadPolicy(opts.policy, { cwd: io.cwd });
      await initShell();
      const client = new DockerClient();
      const image = await findStepImage(client);
      if (!image)
        throw new InputError("serve-image", "the step image is not built", {
          fix: "run `skillwall image build`",
        });
      const named = path.resolve(io.cwd, opts.workspace);
      // Every pool container mounts the workspace, for as long as serve runs, and Docker mounts by
      // path: it is opened through hostfs (a symlink planted on the way is refused) and, as root,
      // handed over by a root-only bind of that descriptor, so a later swap of the folder (or one
      // above it) for a symlink cannot point the next container elsewhere.
      const bind = await holdBindSource(named).catch((err: unknown) => {
        if (err instanceof HostFsError) {
          throw new InputError("serve-workspace", `--workspace ${named}: ${err.message}`, {
            fix: err.fix ?? "name an existing folder, owned by uid 1000",
          });
        }
        throw err;
      });
      // A crashed serve's bind of its workspace (or run's quota volume): unmounted once its owner is dead.
      if (canMountWorkspace()) await reapWorkspaceVolumes().catch(() => undefined);
      const workspace = bind.realPath;
      try {
        const pool = new ContainerPool({
          client,
          image: image.id,
          seccompJson: loadSeccompProfile().json,
          limits: resolveLimits(policy.sandbox),
          workspaceHostDir: bind.source,
          workspaceContainerDir: "/home/agent/.openclaw/workspace",
          user: { uid: 1000, gid: 1000 },
          ...(size === undefined ? {} : { size }),
        });
        const testEgress = testEgressFromEnv(io.env);
        if (testEgress)
          io.stderr.write("skillwall serve: SKILLWALL_TEST_HOSTMAP is set: TEST ONLY host map in use\n");
        const firewall = iptablesFirewall();
        // Networks and firewall rules a crashed earlier serve (or run) left behind.
        await reapStaleNetworks(client, firewall).catch(() => undefined);
        await pool.fill();
        const networks = client.networks?.();
        const server = await startServer({
          socketPath: opts.socket,
          pool,
          policy,
          workspaceHostDir: workspace,
          egress: {
            firewall,
            ...testEgress,
            ...(opts.caFile === undefined ? {} : { extraCaFile: path.resolve(io.cwd, opts.caFile) }),
            ...(networks ? { networks } : {}),
          },
        });
        io.stderr.write(
          `skillwall serve: ${opts.socket} (policy ${policy.name}, ${pool.readyCount} warm containers)\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            resolve();
          };
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
        await server.close();
      } finally {
        await bind.release();
      }
    });
}
