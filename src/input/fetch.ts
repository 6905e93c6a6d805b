// https:// skill URLs, fetched with undici: https only (every redirect re-checked), a size
// cap, a 15 s overall timeout, and a text-like content type.

import { request } from "undici";
import { limits } from "../limits.js";
import type { SkillError } from "../model.js";
import { decodeText, fail } from "./decode.js";

const TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;
const TEXT_TYPES = /^(?:text\/[\w.+-]+|application\/(?:json|(?:x-)?yaml|markdown|x-markdown)|)$/i;

export async function fetchSkill(
  url: string,
): Promise<{ ok: true; text: string; file: string } | { ok: false; error: SkillError }> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      return fail(url, "bad-url", `not a valid URL: ${current}`);
    }
    if (parsed.protocol !== "https:") {
      return fail(
        url,
        "insecure-url",
        `only https:// URLs are fetched (got ${parsed.protocol}//${parsed.host})`,
      );
    }
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(parsed, {
        method: "GET",
        signal,
        headers: { accept: "text/markdown, text/plain;q=0.9, */*;q=0.1" },
      });
    } catch (e) {
      return fail(
        url,
        "fetch-failed",
        `could not fetch ${current}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (res.statusCode >= 300 && res.statusCode < 400) {
      await res.body.dump();
      const location = res.headers.location;
      const next = Array.isArray(location) ? location[0] : location;
      if (next === undefined) return fail(url, "fetch-failed", `redirect without a Location from ${current}`);
      current = new URL(next, parsed).toString();
      continue;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      return fail(url, "fetch-failed", `HTTP ${res.statusCode} from ${current}`);
    }
    const type =
      String(res.headers["content-type"] ?? "")
        .split(";")[0]
        ?.trim() ?? "";
    if (!TEXT_TYPES.test(type)) {
      await res.body.dump();
      return fail(url, "not-text", `content type "${type}" from ${current} is not text`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > limits.maxFetchBytes) {
          res.body.destroy();
          return fail(
            url,
            "too-large",
            `response is larger than ${limits.maxFetchBytes} bytes (limits.maxFetchBytes)`,
          );
        }
        chunks.push(buf);
      }
    } catch (e) {
      return fail(
        url,
        "fetch-failed",
        `reading ${current} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const decoded = decodeText(url, Buffer.concat(chunks));
    if (!decoded.ok) return decoded;
    let file = parsed.pathname.split("/").pop() ?? "";
    try {
      file = decodeURIComponent(file);
    } catch {
      // keep the encoded name
    }
    if (file === "") file = "SKILL.md";
    return { ok: true, text: decoded.text, file };
  }
  return fail(url, "fetch-failed", `more than ${MAX_REDIRECTS} redirects from ${url}`);
}
