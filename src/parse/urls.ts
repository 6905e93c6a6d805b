// Bare URLs in plain text, found without GFM. The pattern has one fixed prefix and one
// character-class run, so matching is linear in the text length.

const URL_PATTERN = /\b(?:(?:https?|ftp|wss?|file):\/\/|www\.)[^\s<>"'`]+/gi;
const TRAILING = new Set([".", ",", ";", ":", "!", "?", "'", '"', "*", "_", "]", "}", ")"]);

export interface FoundUrl {
  url: string;
  /** 0-based index of the URL in the scanned text. */
  index: number;
}

/** Every URL-looking run in `text` (http(s)/ftp/ws(s)/file schemes and `www.` forms). */
export function findUrls(text: string): FoundUrl[] {
  const found: FoundUrl[] = [];
  if (!text.includes("://") && !/www\./i.test(text)) return found;
  URL_PATTERN.lastIndex = 0;
  for (let m = URL_PATTERN.exec(text); m !== null; m = URL_PATTERN.exec(text)) {
    const url = trimTrailing(m[0]);
    if (url.length > 0 && !/^(?:[a-z]+:\/\/|www\.)$/i.test(url)) found.push({ url, index: m.index });
  }
  return found;
}

/** Strip punctuation that ends a sentence rather than the URL; keep a `)` that closes a `(` in it. */
function trimTrailing(url: string): string {
  let open = 0;
  let close = 0;
  for (const ch of url) {
    if (ch === "(") open += 1;
    else if (ch === ")") close += 1;
  }
  let end = url.length;
  while (end > 0) {
    const c = url[end - 1] ?? "";
    if (!TRAILING.has(c)) break;
    if (c === ")") {
      if (close <= open) break;
      close -= 1;
    }
    end -= 1;
  }
  return url.slice(0, end);
}

/** Lower-cased host of a URL ("" when it has none or cannot be parsed); `www.` forms count as http. */
export function hostOf(url: string): string {
  const withScheme = /^www\./i.test(url) ? `http://${url}` : url;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(withScheme)) return "";
  try {
    return new URL(withScheme).hostname.toLowerCase();
  } catch {
    return "";
  }
}
