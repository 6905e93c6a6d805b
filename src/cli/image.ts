// skillwall image build: build (or reuse) the step image, with progress on stderr and the
// image id on stdout.

import type { Command } from "commander";
import { DockerClient } from "../run/docker.js";
import { buildStepImage, findStepImage } from "../run/image.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./io.js";

export function registerImage(program: Command, ctx: CliContext): void {
  const image = program.command("image").description("the container image steps run in");
  image
    .command("build")
    .description("build the step image from images/step (reused when unchanged)")
    .option("--force", "rebuild even when an image for the current images/ exists")
    .action(async (opts: { force?: boolean }) => {
      const client = new DockerClient();
      const built = await buildStepImage(client, {
        force: opts.force === true,
        onProgress: (line) => void ctx.io.stderr.write(`${line}\n`),
      });
      ctx.io.stdout.write(`${built.id}\n`);
      ctx.exitCode = exitCodes.ok;
    });
  image
    .command("status")
    .description("print the current step image id, or exit 1 when it must be built")
    .action(async () => {
      const found = await findStepImage(new DockerClient());
      if (found) ctx.io.stdout.write(`${found.ref} ${found.id}\n`);
      else ctx.io.stderr.write("the step image is not built; run `skillwall image build`\n");
      ctx.exitCode = found ? exitCodes.ok : exitCodes.flagged;
    });
}
