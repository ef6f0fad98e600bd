/**
 * A CSV file written in large buffered chunks (UTF-8, LF, RFC 4180 quoting), so millions of
 * rows stream to disk without holding them in memory. Rows are encoded straight into one
 * reused byte buffer: appending to a JavaScript string would build ropes the garbage collector
 * then spends most of the run on.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 4 << 20;
const LINES_PER_BATCH = 512;
const NEEDS_QUOTES = /[",\n\r]/;

export type CsvValue = string | number | null | undefined;

export class CsvFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  /** Lines waiting to be encoded together (one Buffer.write per batch is much cheaper). */
  private pending: string[] = [];
  rows = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    this.append(`${header.join(',')}\n`);
  }

  write(fields: readonly CsvValue[]): void {
    let line = '';
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) line += ',';
      const v = fields[i];
      if (v === null || v === undefined) continue;
      if (typeof v === 'number') line += String(v);
      else line += NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
    }
    this.pending.push(line);
    this.rows++;
    if (this.pending.length >= LINES_PER_BATCH) this.encodePending();
  }

  private encodePending(): void {
    if (this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.append(text);
  }

  private append(text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    const worst = text.length * 3;
    if (this.used + worst > BUFFER_BYTES) this.writeBuffer();
    if (worst > BUFFER_BYTES) {
      writeSync(this.fd, text);
      return;
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  flush(): void {
    this.encodePending();
    this.writeBuffer();
  }

  private writeBuffer(): void {
    if (this.used === 0) return;
    writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
