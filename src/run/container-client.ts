// The one interface the runner, reaper, image builder and doctor talk to. Only docker.ts
// implements it with dockerode; unit tests use fake-client.ts. Shapes follow the Docker Engine
// API (so the Docker implementation passes them through), trimmed to what skillwall sets.

import type { Readable } from "node:stream";
import type { StepNetworkClient } from "./networks.js";

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface BindMount {
  Type: "bind";
  Source: string;
  Target: string;
  ReadOnly: boolean;
  BindOptions?: { Propagation: "rprivate" | "private" };
}

export interface HostConfigSpec {
  CapDrop: string[];
  CapAdd: string[];
  SecurityOpt: string[];
  ReadonlyRootfs: boolean;
  /** Paths covered by an empty read-only mount (files: /dev/null). */
  MaskedPaths: string[];
  ReadonlyPaths: string[];
  Privileged: false;
  Tmpfs: Record<string, string>;
  Mounts: BindMount[];
  Binds: string[];
  PidsLimit: number;
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  Ulimits: Ulimit[];
  IpcMode: "private";
  ShmSize: number;
  Devices: [];
  Init: true;
  NetworkMode: string;
  AutoRemove: false;
  OomScoreAdj: number;
  LogConfig: { Type: "none"; Config: Record<string, string> };
}

/** The body of POST /containers/create, as far as skillwall fills it. */
export interface ContainerSpec {
  name?: string;
  Image: string;
  Cmd: string[];
  Entrypoint: string[];
  Env: string[];
  User: string;
  WorkingDir: string;
  Hostname: string;
  Labels: Record<string, string>;
  AttachStdout: true;
  AttachStderr: true;
  /** true only for `wrap`, which passes the caller's stdin through. */
  AttachStdin: boolean;
  OpenStdin: boolean;
  StdinOnce?: boolean;
  Tty: false;
  NetworkDisabled: boolean;
  StopTimeout: number;
  HostConfig: HostConfigSpec;
}

export interface ContainerState {
  status: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** Docker's own error text (e.g. a failed start), "" when none. */
  error: string;
}

export interface ContainerSummary {
  id: string;
  labels: Record<string, string>;
  /** Creation time, seconds since the epoch (Docker's `Created`). */
  created: number;
  state: string;
}

export type OutputStream = "stdout" | "stderr";

export interface Attachment {
  /** Resolves when the container's output ends (it exited) or the attachment was closed. */
  done: Promise<void>;
  close(): void;
}

export interface ImageSummary {
  id: string;
  labels: Record<string, string>;
}

export interface BuildOptions {
  tag: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
}

export interface DaemonInfo {
  serverVersion: string;
  apiVersion: string;
  securityOptions: string[];
  cgroupVersion: string;
  defaultRuntime: string;
  runtimes: string[];
  initBinary: string;
  storageDriver: string;
}

export interface ContainerClient {
  /** Resolves when the daemon answers; rejects with the connection error otherwise. */
  ping(): Promise<void>;
  info(): Promise<DaemonInfo>;

  create(spec: ContainerSpec): Promise<string>;
  /** Attach to stdout/stderr before start; chunks arrive demultiplexed. */
  attach(id: string, onOutput: (stream: OutputStream, data: Buffer) => void): Promise<Attachment>;
  start(id: string): Promise<void>;
  /** Waits until the container is not running; resolves with its exit status code. */
  wait(id: string): Promise<number>;
  inspect(id: string): Promise<ContainerState>;
  /** SIGKILL by default; a container that is not running is not an error. */
  kill(id: string, signal?: string): Promise<void>;
  /** Force-removes the container and its anonymous volumes; a missing one is not an error. */
  remove(id: string): Promise<void>;
  /** All containers (running or not) that carry every given label (value or presence). */
  list(labels: Record<string, string | true>): Promise<ContainerSummary[]>;

  /** undefined when no such image exists locally. */
  inspectImage(ref: string): Promise<ImageSummary | undefined>;
  /** Pull from a registry; rejects when none answers within timeoutMs. */
  pull(ref: string, timeoutMs: number): Promise<void>;
  /** Import a root filesystem tar as an image; returns the image id. */
  importImage(rootfsTar: Readable, repo: string, tag: string): Promise<string>;
  /** Build from a tar build context; progress lines go to onProgress; returns the image id. */
  build(context: Readable, opts: BuildOptions, onProgress: (line: string) => void): Promise<string>;
  tag(imageId: string, repo: string, tag: string): Promise<void>;
  /**
   * Per-step internal networks for egress steps. A client without it cannot run a step that
   * needs the network: such a step fails closed.
   */
  networks?(): StepNetworkClient;
}
