// One request to `skillwall serve` over its unix socket (docs/serve.md): a JSON line out, a JSON
// line back. Plain node:net: the plugin calls serve in-process (sandbox-handoff.mjs).
// Any failure rejects; callers block (the gate) or report that nothing ran (the sandbox stub).

import net from "node:net";

/** Largest answer accepted: two capped output streams and some room. */
const maxAnswerBytes = 64 * 1024 * 1024;

/**
 * @param {string} socketPath
 * @param {object} request without `version`
 * @param {number} timeoutMs
 * @returns {Promise<any>}
 */
export function serveCall(socketPath, request, timeoutMs) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(socketPath);
    const chunks = [];
    let size = 0;
    const done = (err, value) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => done(new Error(`skillwall serve at ${socketPath} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    sock.on("error", (e) => done(new Error(`cannot reach skillwall serve at ${socketPath}: ${e.message}`)));
    sock.on("connect", () => sock.write(`${JSON.stringify({ version: 1, ...request })}\n`));
    sock.on("data", (d) => {
      chunks.push(d);
      size += d.length;
      if (size > maxAnswerBytes) return done(new Error("skillwall serve answered with too much data"));
      const nl = d.indexOf(10);
      if (nl < 0) return;
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        const answer = JSON.parse(text.slice(0, text.indexOf("\n")));
        if (answer?.version !== 1 || typeof answer.ok !== "boolean") throw new Error("shape");
        done(undefined, answer);
      } catch {
        done(new Error("skillwall serve answered with something that is not its protocol"));
      }
    });
    sock.on("end", () => done(new Error("skillwall serve closed the connection without an answer")));
  });
}
