// The step image: images/step/ built with Docker, tagged with a hash of its own files so an
// unchanged image is reused. Base: debian:bookworm-slim when a registry answers, otherwise a
// local skillwall/bookworm-base bootstrapped with debootstrap from the machine's Debian mirror.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { constants, existsSync, readFileSync, readdirSync, type WriteStream } from "node:fs";
import { open, readFile, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import tar from "tar-stream";
import { SkillwallError } from "../errors.js";
import type { ContainerClient } from "./container-client.js";
import { privateTempDir } from "./private-temp.js";

export const stepImageRepo = "skillwall/step";
export const baseImageRepo = "skillwall/bookworm-base";
export const registryBase = "debian:bookworm-slim";
export const hashLabel = "skillwall.image.hash";
const basePackages = "bash,coreutils,curl,ca-certificates,git,tar,unzip";

/** images/step at the package root (src/run and dist/run are both two levels down). */
export function stepImageDir(): string {
  return fileURLToPath(new URL("../../images/step", import.meta.url));
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(path.join(dir, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** sha256 over the sorted file names and contents of the image directory. */
export async function imageContentHash(dir = stepImageDir()): Promise<string> {
  const h = createHash("sha256");
  for (const rel of await listFiles(dir)) {
    h.update(`${rel}\0`);
    h.update(await readFile(path.join(dir, rel)));
    h.update("\0");
  }
  return h.digest("hex");
}

export interface StepImage {
  id: string;
  /** skillwall/step:<first 12 hex of the content hash>. */
  ref: string;
  hash: string;
}

/** The built image for the current images/step/ content, if there is one. */
export async function findStepImage(
  client: ContainerClient,
  dir = stepImageDir(),
): Promise<StepImage | undefined> {
  const hash = await imageContentHash(dir);
  const ref = `${stepImageRepo}:${hash.slice(0, 12)}`;
  const img = await client.inspectImage(ref);
  if (!img || img.labels[hashLabel] !== hash) return undefined;
  return { id: img.id, ref, hash };
}

/** The step image id, or an error that says how to build it. */
export async function requireStepImage(client: ContainerClient): Promise<StepImage> {
  const img = await findStepImage(client);
  if (!img) {
    throw new SkillwallError("image-missing", "the step image is not built (or images/ changed since)", {
      fix: "run `skillwall image build` (or `make setup`)",
    });
  }
  return img;
}

/** Debian mirror from the machine's apt sources (deb822 or one-line), first non-security one. */
export function debianMirror(): string {
  const files: string[] = [];
  const d = "/etc/apt/sources.list.d";
  if (existsSync(d)) for (const f of readdirSync(d).sort()) files.push(path.join(d, f));
  if (existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const m = /^\s*URIs:\s*(\S+)/.exec(line) ?? /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line);
      const uri = m?.[1];
      if (uri && /^https?:\/\//.test(uri) && !uri.includes("security")) return uri;
    }
  }
  return "http://deb.debian.org/debian";
}

function runProcess(cmd: string, args: string[], onLine: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const forward = (b: Buffer): void => {
      for (const l of b.toString("utf8").split("\n")) if (l.trim() !== "") onLine(l);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new SkillwallError("image-base", `${cmd} exited with ${String(code)}`)),
    );
  });
}

/** The phase a debootstrap log line starts, named for a progress line (undefined: same phase). */
export function debootstrapPhase(line: string): string | undefined {
  const phases: Array<[RegExp, string]> = [
    [
      /^I: (Retrieving|Checking) (In)?Release|^I: (Retrieving|Validating) Packages/,
      "fetching the package lists",
    ],
    [/^I: Resolving dependencies/, "resolving dependencies"],
    [/^I: Retrieving |^I: Validating /, "downloading packages"],
    [/^I: Extracting /, "extracting packages"],
    [/^I: Installing (core|required)|^I: Unpacking /, "installing the base system"],
    [/^I: Configuring /, "configuring packages"],
    [/^I: Base system installed successfully/, "base system installed"],
  ];
  for (const [re, name] of phases) if (re.test(line)) return name;
  return undefined;
}

/**
 * The debootstrap log, kept after the build: a file in a new 0700 folder (mkdtemp), created
 * O_EXCL|O_NOFOLLOW. A name of its own in the shared temp folder (it was "skillwall-debootstrap-
 * <ms>.log") can be guessed: anyone could plant a symlink there, and root's open followed it and
 * truncated whatever it led to (no fs.protected_symlinks on some hosts).
 */
export async function createBuildLog(): Promise<{ logFile: string; log: WriteStream }> {
  const dir = privateTempDir("skillwall-debootstrap-", "the debootstrap log");
  const logFile = path.join(dir, "debootstrap.log");
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const handle = await open(logFile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  const log = handle.createWriteStream();
  return { logFile, log };
}

/** debootstrap a minimal bookworm and import it as skillwall/bookworm-base:latest. */
export async function bootstrapBase(
  client: ContainerClient,
  onProgress: (line: string) => void,
): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new SkillwallError("image-base", "no registry answers and bootstrapping a base image needs root", {
      fix: "run `sudo skillwall image build` once, or make a registry with debian:bookworm-slim reachable",
    });
  }
  if (!existsSync("/usr/sbin/debootstrap") && !existsSync("/usr/bin/debootstrap")) {
    throw new SkillwallError("image-base", "no registry answers and debootstrap is not installed", {
      fix: "apt-get install -y debootstrap (scripts/setup-docker.sh does it), then run `skillwall image build` again",
    });
  }
  const work = privateTempDir("skillwall-base-", "the base image build");
  const rootfs = path.join(work, "rootfs");
  try {
    const mirror = debianMirror();
    // debootstrap prints ~575 lines: they go to a log file; the user sees one line per phase.
    const { logFile, log } = await createBuildLog();
    onProgress(`debootstrap bookworm from ${mirror} (about 30 s; full log: ${logFile})`);
    const tail: string[] = [];
    let phase: string | undefined;
    try {
      await runProcess(
        "debootstrap",
        ["--variant=minbase", `--include=${basePackages}`, "bookworm", rootfs, mirror],
        (l) => {
          log.write(`${l}\n`);
          tail.push(l);
          if (tail.length > 15) tail.shift();
          const next = debootstrapPhase(l);
          if (next !== undefined && next !== phase) {
            phase = next;
            onProgress(`  ${next}`);
          }
        },
      );
    } catch (err) {
      for (const l of tail) onProgress(`  | ${l}`);
      throw err instanceof SkillwallError
        ? new SkillwallError("image-base", `${err.message} (last lines above; full log: ${logFile})`, {
            fix: "check the Debian mirror is reachable, then run `skillwall image build` again",
          })
        : err;
    } finally {
      log.end();
    }
    onProgress(`importing ${baseImageRepo}:latest`);
    const tarProc = spawn("tar", ["-C", rootfs, "--numeric-owner", "-c", "."], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => tarProc.on("close", resolve));
    const id = await client.importImage(tarProc.stdout, baseImageRepo, "latest");
    if ((await exited) !== 0)
      throw new SkillwallError("image-base", "tar of the bootstrapped root filesystem failed");
    return id;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Which base to build FROM: a local debian:bookworm-slim, a pulled one, or the bootstrapped one. */
export async function chooseBase(
  client: ContainerClient,
  onProgress: (line: string) => void,
  registryTimeoutMs = 20_000,
): Promise<string> {
  if (await client.inspectImage(registryBase)) return registryBase;
  try {
    onProgress(`pulling ${registryBase}`);
    await client.pull(registryBase, registryTimeoutMs);
    return registryBase;
  } catch (err) {
    // Expected on machines without Docker Hub access: say what happens, not the pull error.
    const why = (err as Error).message.split("\n")[0] ?? "";
    onProgress(
      `${registryBase} is not available from a registry here (${/timeout|timed out/i.test(why) ? "no answer" : "not reachable"}); building a local base from the Debian mirror instead`,
    );
  }
  if (await client.inspectImage(`${baseImageRepo}:latest`)) return `${baseImageRepo}:latest`;
  await bootstrapBase(client, onProgress);
  return `${baseImageRepo}:latest`;
}

async function contextTar(dir: string): Promise<Readable> {
  const pack = tar.pack();
  for (const rel of await listFiles(dir)) {
    const full = path.join(dir, rel);
    const st = await stat(full);
    pack.entry({ name: rel, mode: st.mode & 0o755, mtime: new Date(0) }, await readFile(full));
  }
  pack.finalize();
  return Readable.from(pack as AsyncIterable<Buffer>);
}

export interface BuildImageOptions {
  onProgress?: (line: string) => void;
  /** Rebuild even when an image for this content exists. */
  force?: boolean;
  dir?: string;
}

export async function buildStepImage(
  client: ContainerClient,
  opts: BuildImageOptions = {},
): Promise<StepImage & { built: boolean; base?: string }> {
  const dir = opts.dir ?? stepImageDir();
  const progress = opts.onProgress ?? (() => undefined);
  if (!opts.force) {
    const existing = await findStepImage(client, dir);
    if (existing) {
      progress(`${existing.ref} is up to date (${existing.id.slice(0, 19)})`);
      return { ...existing, built: false };
    }
  }
  const hash = await imageContentHash(dir);
  const ref = `${stepImageRepo}:${hash.slice(0, 12)}`;
  const base = await chooseBase(client, progress);
  progress(`building ${ref} from ${base}`);
  const id = await client.build(
    await contextTar(dir),
    { tag: ref, buildArgs: { BASE: base }, labels: { [hashLabel]: hash } },
    progress,
  );
  await client.tag(id, stepImageRepo, "latest");
  progress(`built ${ref} (${id.slice(0, 19)})`);
  return { id, ref, hash, built: true, base };
}
