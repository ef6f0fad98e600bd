/**
 * The fast path of CSV reading: text without a double quote is split on line ends and
 * delimiters with String.split, which gives exactly what csv-parse gives for such text (with the
 * options recordSource.ts uses) at a fraction of the cost. The line end is found as csv-parse
 * finds it: the first CRLF, LF or CR of the text, and only that one ends records afterwards.
 * As soon as a quote appears, or the line end is a lone CR, `push` returns null and the caller
 * hands `takeRest()` and all further text to csv-parse.
 */

export type RecordDelimiter = '\n' | '\r\n';

export class PlainCsvSplitter {
  private carry = '';
  /** The line end of the file once it is known. */
  recordDelimiter: RecordDelimiter | null = null;

  constructor(private readonly delimiter: string) {}

  /**
   * The records completed by `text` (the file's text continues where the last call ended), or
   * null when the text needs the full parser; the unparsed text is then in `takeRest()`.
   *
   * @example new PlainCsvSplitter(',').push('a,b\nc,') // [['a', 'b']]; 'c,' waits for its line end
   */
  push(text: string): string[][] | null {
    const s = this.carry + text;
    this.carry = s;
    if (s.includes('"')) return null;
    if (this.recordDelimiter === null) {
      const lf = s.indexOf('\n');
      const cr = s.indexOf('\r');
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the end of the text may yet be followed by LF: wait for more text.
        if (cr === s.length - 1) return [];
        if (s.charCodeAt(cr + 1) !== 10) return null;
        this.recordDelimiter = '\r\n';
      } else if (lf >= 0) {
        this.recordDelimiter = '\n';
      } else {
        return [];
      }
    }
    const lines = s.split(this.recordDelimiter);
    this.carry = lines.pop() ?? '';
    const records: string[][] = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) records[i] = (lines[i] as string).split(this.delimiter);
    return records;
  }

  /**
   * The last record: the text after the last line end, if any; null when the full parser must
   * decide (a file whose only line end is a CR at its very end).
   */
  end(): string[][] | null {
    const last = this.carry;
    if (this.recordDelimiter === null && last.includes('\r')) return null;
    this.carry = '';
    return last === '' ? [] : [last.split(this.delimiter)];
  }

  /** The text not yet made into records (it starts at a record's start), for the full parser. */
  takeRest(): string {
    const rest = this.carry;
    this.carry = '';
    return rest;
  }
}
