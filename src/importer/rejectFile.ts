/**
 * FILE.rejected.csv: every rejected row with its spreadsheet row number, the columns at fault and
 * the reasons, followed by the row's original cells. UTF-8 with a byte-order mark so Excel opens
 * it with Japanese intact. `row`, `column` and `reason` are no import column's alias, so the file
 * can be corrected and imported again as it is. Created only when a row is rejected.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';

const NEEDS_QUOTES = /[",\r\n]/;
const FLUSH_CHARS = 1 << 16;

function csvLine(cells: readonly (string | number)[]): string {
  return cells
    .map((cell) => {
      const text = String(cell);
      return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
}

export interface RejectedRow {
  row: number;
  columns: string[];
  reasons: string[];
  /** The original cells (CSV) or the original line (JSON lines). */
  original: readonly string[];
}

export class RejectFile {
  private fd: number | null = null;
  private pending = '';
  count = 0;

  /** @param originalHeader the file's own header, or ['record'] for JSON lines */
  constructor(
    readonly path: string,
    private readonly originalHeader: readonly string[],
  ) {}

  add(rejected: RejectedRow): void {
    if (this.fd === null) {
      this.fd = openSync(this.path, 'w');
      this.pending = `\uFEFF${csvLine(['row', 'column', 'reason', ...this.originalHeader])}\r\n`;
    }
    this.pending += `${csvLine([rejected.row, rejected.columns.join(';'), rejected.reasons.join(' / '), ...rejected.original])}\r\n`;
    this.count++;
    if (this.pending.length > FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.fd === null || this.pending === '') return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }

  /** Closes the file; returns its path, or null when no row was rejected. */
  close(): string | null {
    if (this.fd === null) return null;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    return this.path;
  }

  /** Removes a reject file left by an earlier import of the same file (it would mislead). */
  static removeStale(path: string): void {
    rmSync(path, { force: true });
  }
}
