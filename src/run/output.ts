// A step's stdout/stderr goes back to an agent and is untrusted: keep at most `cap` bytes of
// each stream, count the rest, and strip terminal control sequences and control characters
// before handing the text out.

export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  /** Every byte received, kept or not. */
  total = 0;

  constructor(private readonly cap: number) {}

  push(data: Buffer): void {
    this.total += data.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = data.length <= room ? data : data.subarray(0, room);
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  get capped(): boolean {
    return this.total > this.cap;
  }

  /** Bytes past the cap that were dropped. */
  get dropped(): number {
    return this.total - this.kept;
  }

  raw(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The kept bytes as safe text (UTF-8, control characters stripped). */
  text(): string {
    return stripControl(this.raw().toString("utf8"));
  }
}

// ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings (ESC ] … BEL or
// ESC \), and two-character escapes. Matched whole so no "[31m" residue is left behind.
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -/]*[0-~]?|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 except tab and newline, DEL, C1, bidi embeddings/overrides/isolates, and line/paragraph
// separators that some terminals and renderers treat as newlines.

const CONTROLS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function stripControl(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(ESCAPES, "").replace(CONTROLS, "");
}
