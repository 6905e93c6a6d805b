// runViaServe: hand one checked command to a running `skillwall serve` over its unix socket and
// wait for the result. Any failure (no server, bad answer, timeout) rejects: callers block.

import net from "node:net";
import { SkillwallError } from "../errors.js";
import { limits } from "../limits.js";
import type { ServeRequest, ServeResponse } from "./protocol.js";

export async function runViaServe(
  socketPath: string,
  checkedCommand: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ServeResponse> {
  const request: ServeRequest = { version: 1, command: checkedCommand };
  if (opts.timeoutMs !== undefined) request.timeoutMs = opts.timeoutMs;
  const line = `${JSON.stringify(request)}\n`;
  if (Buffer.byteLength(line) > limits.serveRequestBytes) {
    throw new SkillwallError(
      "serve-request-too-large",
      `the command is longer than ${limits.serveRequestBytes} bytes`,
    );
  }
  // The server's own timeout ends the container; this one only guards against a stuck server.
  const deadline = (opts.timeoutMs ?? 60_000) + limits.servePoolWaitMs + 10_000;
  return new Promise<ServeResponse>((resolve, reject) => {
    const sock = net.createConnection(socketPath);
    let buf = "";
    const fail = (e: Error): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new SkillwallError("serve-timeout", `skillwall serve did not answer within ${deadline} ms`)),
      deadline,
    );
    opts.signal?.addEventListener("abort", () => fail(new SkillwallError("serve-aborted", "aborted")), {
      once: true,
    });
    sock.on("error", (e) =>
      fail(
        new SkillwallError(
          "serve-unreachable",
          `cannot reach skillwall serve at ${socketPath}: ${e.message}`,
          {
            fix: "start it with `skillwall serve --socket PATH --workspace DIR` (as the operator)",
          },
        ),
      ),
    );
    sock.on("connect", () => sock.write(line));
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      if (buf.length > 4 * limits.serveRequestBytes + 8 * 1024 * 1024)
        fail(new SkillwallError("serve-bad-answer", "answer too large"));
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as ServeResponse);
      } catch {
        reject(new SkillwallError("serve-bad-answer", "skillwall serve answered with invalid JSON"));
      }
    });
  });
}
