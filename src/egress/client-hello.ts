// Reads the server name (SNI) from the first bytes a client sends in a CONNECT tunnel: a TLS
// ClientHello, possibly split over several handshake records. Only what is needed to find the
// server_name extension is parsed; every length is bounds-checked against its enclosing one,
// and anything that does not parse is "malformed", never a guess.

export type HelloResult =
  | { status: "need-more" }
  | { status: "not-tls"; why: string }
  | { status: "malformed"; why: string }
  | {
      status: "ok";
      /** The host_name of the server_name extension, undefined when there is none. */
      sni: string | undefined;
      /** The ClientHello carries encrypted_client_hello: its real server name is hidden. */
      ech: boolean;
    };

const recordHandshake = 0x16;
const handshakeClientHello = 0x01;
const extServerName = 0x0000;
const extEncryptedClientHello = 0xfe0d;
/** Largest TLS plaintext record body (RFC 8446 §5.1). */
const maxRecordBody = 16_384;

/** A reader over one byte range; every read past its end throws Short. */
class Short extends Error {}
class Cursor {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
    private readonly end: number,
  ) {}
  get left(): number {
    return this.end - this.pos;
  }
  u8(): number {
    if (this.left < 1) throw new Short();
    return this.buf[this.pos++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u24(): number {
    return (this.u8() << 16) | this.u16();
  }
  /** A sub-cursor over the next n bytes (the caller's cursor moves past them). */
  take(n: number): Cursor {
    if (n > this.left) throw new Short();
    const sub = new Cursor(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }
  bytes(n: number): Buffer {
    if (n > this.left) throw new Short();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * The handshake bytes carried by the leading handshake records of `data` (a record cut short
 * contributes what arrived of it), or why these are not a TLS handshake.
 */
function handshakeBytes(data: Buffer): { bytes: Buffer } | { not: string } | { bad: string } {
  let need: number | undefined;
  const parts: Buffer[] = [];
  let have = 0;
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] !== recordHandshake) {
      if (pos === 0) return { not: "the first bytes are not a TLS handshake record" };
      return { bad: "a non-handshake record inside the ClientHello" };
    }
    if (data.length - pos < 5) return { bytes: Buffer.concat(parts) };
    const major = data[pos + 1]!;
    if (major !== 3) return pos === 0 ? { not: "not a TLS record version" } : { bad: "bad record version" };
    const len = (data[pos + 3]! << 8) | data[pos + 4]!;
    if (len === 0 || len > maxRecordBody) return { bad: `record length ${len} out of range` };
    if (data.length - pos - 5 < len) {
      parts.push(data.subarray(pos + 5));
      return { bytes: Buffer.concat(parts) };
    }
    parts.push(data.subarray(pos + 5, pos + 5 + len));
    have += len;
    pos += 5 + len;
    // Stop at the end of the ClientHello: what follows belongs to the connection, not to us.
    if (need === undefined && have >= 4) {
      const b = Buffer.concat(parts);
      need = 4 + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
    }
    if (need !== undefined && have >= need) break;
  }
  return { bytes: Buffer.concat(parts) };
}

/** Parse the start of a tunnel. "need-more": wait for more bytes (the caller caps how many). */
export function readClientHello(data: Buffer): HelloResult {
  const hs = handshakeBytes(data);
  if ("not" in hs) return { status: "not-tls", why: hs.not };
  if ("bad" in hs) return { status: "malformed", why: hs.bad };
  const b = hs.bytes;
  if (b.length < 4) return { status: "need-more" };
  if (b[0] !== handshakeClientHello)
    return { status: "malformed", why: "the first handshake is not a ClientHello" };
  const bodyLen = (b[1]! << 16) | (b[2]! << 8) | b[3]!;
  if (b.length < 4 + bodyLen) return { status: "need-more" };
  try {
    return parseBody(new Cursor(b, 4, 4 + bodyLen));
  } catch (err) {
    if (err instanceof Short) return { status: "malformed", why: "a length runs past its enclosing field" };
    throw err;
  }
}

function parseBody(c: Cursor): HelloResult {
  const major = c.u8();
  c.u8();
  if (major !== 3) return { status: "malformed", why: "ClientHello version is not 3.x" };
  c.bytes(32); // random
  const sessionId = c.u8();
  if (sessionId > 32) return { status: "malformed", why: "session id longer than 32 bytes" };
  c.bytes(sessionId);
  const suites = c.u16();
  if (suites === 0 || suites % 2 !== 0) return { status: "malformed", why: "bad cipher suite list" };
  c.bytes(suites);
  const compression = c.u8();
  if (compression === 0) return { status: "malformed", why: "empty compression list" };
  c.bytes(compression);
  if (c.left === 0) return { status: "ok", sni: undefined, ech: false };
  const exts = c.take(c.u16());
  if (c.left !== 0) return { status: "malformed", why: "bytes after the extensions" };
  let sni: string | undefined;
  let ech = false;
  const seen = new Set<number>();
  while (exts.left > 0) {
    const type = exts.u16();
    const body = exts.take(exts.u16());
    // A repeated extension is forbidden (RFC 8446 §4.2) and could hide a second name.
    if (seen.has(type)) return { status: "malformed", why: `extension ${type} appears twice` };
    seen.add(type);
    if (type === extEncryptedClientHello) ech = true;
    if (type !== extServerName) continue;
    const list = body.take(body.u16());
    if (body.left !== 0) return { status: "malformed", why: "bytes after the server name list" };
    while (list.left > 0) {
      const nameType = list.u8();
      const name = list.bytes(list.u16());
      if (nameType !== 0) continue;
      if (sni !== undefined) return { status: "malformed", why: "more than one host name" };
      if (name.length === 0 || !/^[\x21-\x7e]+$/.test(name.toString("latin1"))) {
        return { status: "malformed", why: "the server name is not printable ASCII" };
      }
      sni = name.toString("latin1");
    }
  }
  return { status: "ok", sni, ech };
}
