// The only module that imports dockerode: the ContainerClient backed by a real Docker daemon.

import Docker from "dockerode";
import http from "node:http";
import type { Readable } from "node:stream";
import { SkillwallError } from "../errors.js";
import type {
  Attachment,
  BuildOptions,
  ContainerClient,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DaemonInfo,
  ImageSummary,
  OutputStream,
} from "./container-client.js";
import { FrameDemuxer } from "./demux.js";
import type { InternalNetworkSpec } from "../egress/network.js";
import type { NetworkSummary, StepNetworkClient } from "./networks.js";

export interface DockerClientOptions {
  /** Unix socket path; default DOCKER_HOST (unix://…) or /var/run/docker.sock. */
  socketPath?: string;
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

function defaultSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith("unix://")) return host.slice("unix://".length);
  return "/var/run/docker.sock";
}

/** Follow a JSON-lines progress stream (build, pull, import); reject on an error line. */
function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (e: Record<string, unknown>) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (e: Record<string, unknown>) => {
        onEvent(e);
      },
    );
  });
}

/** How often the reserved kill connection is used, so it is open when a kill is needed, ms. */
const killLineKeepWarmMs = 30_000;

export class DockerClient implements ContainerClient {
  readonly docker: Docker;
  /**
   * The kill path: its own keep-alive connection to the daemon, opened before any step starts
   * and kept open (dockerd does not close idle connections), so killing a step needs no new
   * descriptor even if the process ran out of them.
   */
  private readonly killer: Docker;
  private killLine: Promise<void> | undefined;

  constructor(opts: DockerClientOptions = {}) {
    const socketPath = opts.socketPath ?? defaultSocket();
    this.docker = new Docker({ socketPath });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    this.killer = new Docker({ socketPath, agent } as Docker.DockerOptions);
  }

  /** Open the reserved kill connection (once) and keep it warm. */
  private openKillLine(): Promise<void> {
    this.killLine ??= (async () => {
      await this.killer.ping();
      setInterval(() => {
        this.killer.ping().catch(() => undefined);
      }, killLineKeepWarmMs).unref();
    })().catch((err: unknown) => {
      this.killLine = undefined;
      throw err;
    });
    return this.killLine;
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async info(): Promise<DaemonInfo> {
    const [info, version] = await Promise.all([this.docker.info(), this.docker.version()]);
    const i = info as Record<string, unknown>;
    const runtimes = i.Runtimes && typeof i.Runtimes === "object" ? Object.keys(i.Runtimes) : [];
    return {
      serverVersion: String(version.Version ?? ""),
      apiVersion: String(version.ApiVersion ?? ""),
      securityOptions: Array.isArray(i.SecurityOptions) ? i.SecurityOptions.map(String) : [],
      cgroupVersion: String(i.CgroupVersion ?? ""),
      defaultRuntime: String(i.DefaultRuntime ?? ""),
      runtimes,
      initBinary: String(i.InitBinary ?? ""),
      storageDriver: String(i.Driver ?? ""),
    };
  }

  async create(spec: ContainerSpec): Promise<string> {
    // Before the first step exists, its kill path does.
    await this.openKillLine();
    const c = await this.docker.createContainer(spec as unknown as Docker.ContainerCreateOptions);
    return c.id;
  }

  async attach(id: string, onOutput: (stream: OutputStream, data: Buffer) => void): Promise<Attachment> {
    const stream = (await this.docker
      .getContainer(id)
      .attach({ stream: true, stdout: true, stderr: true, logs: false })) as NodeJS.ReadWriteStream & {
      destroy?: () => void;
    };
    const done = demuxUntilEnd(stream, onOutput);
    return { done, close: () => stream.destroy?.() };
  }

  async start(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  async wait(id: string): Promise<number> {
    const r = (await this.docker.getContainer(id).wait()) as { StatusCode?: number };
    return typeof r.StatusCode === "number" ? r.StatusCode : -1;
  }

  async inspect(id: string): Promise<ContainerState> {
    const s = (await this.docker.getContainer(id).inspect()).State;
    return {
      status: s.Status,
      running: s.Running,
      exitCode: s.ExitCode,
      oomKilled: s.OOMKilled,
      error: s.Error ?? "",
    };
  }

  async kill(id: string, signal = "SIGKILL"): Promise<void> {
    try {
      await this.killer.getContainer(id).kill({ signal });
    } catch (err) {
      // 404: gone already; 409: not running. Both mean there is nothing left to kill.
      if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      // 404: gone; 409: removal already in progress (another remover got there first).
      if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
    }
  }

  async list(labels: Record<string, string | true>): Promise<ContainerSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === true ? k : `${k}=${v}`));
    const rows = await this.docker.listContainers({ all: true, filters: { label } });
    return rows.map((r) => ({ id: r.Id, labels: r.Labels ?? {}, created: r.Created, state: r.State }));
  }

  async inspectImage(ref: string): Promise<ImageSummary | undefined> {
    try {
      const img = await this.docker.getImage(ref).inspect();
      return { id: img.Id, labels: img.Config?.Labels ?? {} };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async pull(ref: string, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SkillwallError("registry-timeout", `pulling ${ref} did not finish within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    });
    try {
      const pulling = (async () => {
        const stream = (await this.docker.pull(ref)) as NodeJS.ReadableStream;
        await followProgress(this.docker, stream, () => undefined);
      })();
      pulling.catch(() => undefined);
      await Promise.race([pulling, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async importImage(rootfsTar: Readable, repo: string, tag: string): Promise<string> {
    const stream = await this.docker.importImage(rootfsTar, { repo, tag } as Record<string, string>);
    let id = "";
    let failure: string | undefined;
    await followProgress(this.docker, stream, (e) => {
      if (typeof e.status === "string" && e.status.startsWith("sha256:")) id = e.status;
      if (typeof e.error === "string") failure = e.error;
    });
    if (failure !== undefined)
      throw new SkillwallError("image-import", `importing ${repo}:${tag} failed: ${failure}`);
    const img = await this.inspectImage(`${repo}:${tag}`);
    return img?.id ?? id;
  }

  async build(context: Readable, opts: BuildOptions, onProgress: (line: string) => void): Promise<string> {
    const stream = await this.docker.buildImage(context, {
      t: opts.tag,
      buildargs: opts.buildArgs,
      labels: opts.labels,
      rm: true,
      forcerm: true,
      nocache: false,
    });
    let id = "";
    let failure: string | undefined;
    await followProgress(this.docker, stream, (e) => {
      if (typeof e.stream === "string") {
        for (const line of e.stream.split("\n")) if (line.trim() !== "") onProgress(line);
      }
      const aux = e.aux as { ID?: unknown } | undefined;
      if (typeof aux?.ID === "string") id = aux.ID;
      if (typeof e.error === "string") failure = e.error;
    });
    if (failure !== undefined) {
      throw new SkillwallError("image-build", `building the step image failed: ${failure}`, {
        fix: "read the build output above; `skillwall doctor` checks the Docker setup",
      });
    }
    const img = await this.inspectImage(opts.tag);
    return img?.id ?? id;
  }

  async tag(imageId: string, repo: string, tag: string): Promise<void> {
    await this.docker.getImage(imageId).tag({ repo, tag });
  }

  networks(): StepNetworkClient {
    return new DockerNetworks(this.docker);
  }

  /**
   * Attach stdin, stdout and stderr (wrap): stdin is piped in and closed at its end; output
   * arrives demultiplexed. Must be called before start.
   */
  async attachInteractive(
    id: string,
    stdin: NodeJS.ReadableStream | undefined,
    onOutput: (stream: OutputStream, data: Buffer) => void,
  ): Promise<Attachment> {
    const stream = (await this.docker.getContainer(id).attach({
      stream: true,
      stdin: stdin !== undefined,
      stdout: true,
      stderr: true,
      hijack: stdin !== undefined,
      logs: false,
    })) as NodeJS.ReadWriteStream & { destroy?: () => void; end: () => void };
    const done = demuxUntilEnd(stream, onOutput);
    if (stdin !== undefined) {
      stdin.on("data", (chunk: Buffer) => stream.write(chunk));
      // The container sees end-of-file when our stdin ends (StdinOnce closes its stdin then).
      stdin.on("end", () => stream.end());
    }
    return { done, close: () => stream.destroy?.() };
  }
}

/** Feeds a multiplexed attach stream to `onOutput`; settles when it ends, closes or fails. */
function demuxUntilEnd(
  stream: NodeJS.ReadableStream,
  onOutput: (stream: OutputStream, data: Buffer) => void,
): Promise<void> {
  const demux = new FrameDemuxer(onOutput);
  return new Promise<void>((resolve) => {
    stream.on("data", (chunk: Buffer) => demux.push(chunk));
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
}

/** Per-step internal networks (egress), backed by the same daemon. */
export class DockerNetworks implements StepNetworkClient {
  constructor(private readonly docker: Docker) {}

  async createInternalNetwork(spec: InternalNetworkSpec): Promise<{ id: string; gateway: string }> {
    const net = await this.docker.createNetwork(spec as unknown as Docker.NetworkCreateOptions);
    try {
      const info = (await net.inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string }> } };
      const gateway = info.IPAM?.Config?.find(
        (c) => typeof c.Gateway === "string" && c.Gateway !== "",
      )?.Gateway;
      return { id: net.id, gateway: gateway ?? "" };
    } catch (err) {
      await this.remove(net.id);
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    const net = this.docker.getNetwork(id);
    try {
      await net.remove();
    } catch (err) {
      if (statusOf(err) === 404) return;
      // Still attached endpoints (a container being removed): force-disconnect and retry once.
      if (statusOf(err) === 403 || statusOf(err) === 409) {
        const info = (await net.inspect().catch(() => undefined)) as
          { Containers?: Record<string, unknown> } | undefined;
        for (const cid of Object.keys(info?.Containers ?? {})) {
          await net.disconnect({ Container: cid, Force: true }).catch(() => undefined);
        }
        try {
          await net.remove();
        } catch (again) {
          if (statusOf(again) !== 404) throw again;
        }
        return;
      }
      throw err;
    }
  }

  async list(labels: Record<string, string | true>): Promise<NetworkSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === true ? k : `${k}=${v}`));
    const rows = (await this.docker.listNetworks({ filters: { label } })) as Array<{
      Id: string;
      Name: string;
      Labels?: Record<string, string>;
      Options?: Record<string, string>;
      Internal?: boolean;
    }>;
    return rows.map((r) => ({
      id: r.Id,
      name: r.Name,
      labels: r.Labels ?? {},
      options: r.Options ?? {},
      internal: r.Internal === true,
    }));
  }
}
