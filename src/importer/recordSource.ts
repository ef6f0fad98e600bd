/**
 * Streams a file's records without holding the file in memory: bytes → (CP932/UTF-16 decoding)
 * → csv-parse or a JSON-lines splitter → chunks of records. Rows are numbered as a spreadsheet
 * shows them: in a CSV file the header is row 1 and a multi-line quoted cell still counts as
 * one row; in a JSON-lines file each line is a row.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { AppError } from '../core/errors.js';
import type { FileFormat } from './fileFormat.js';
import { PlainCsvSplitter, type RecordDelimiter } from './plainCsv.js';

/** One record as read: CSV cells, or a JSON object (or the line that failed to parse). */
export type SourceRecord =
  | { readonly row: number; readonly cells: string[] }
  | { readonly row: number; readonly object: Record<string, unknown>; readonly line: string }
  | { readonly row: number; readonly invalidJson: string; readonly line: string };

export interface RecordSource {
  /** The CSV header (null for JSON): cells of row 1. */
  readonly header: string[] | null;
  /** Chunks of records in file order. */
  readonly chunks: AsyncGenerator<SourceRecord[]>;
  /** Bytes of the file read so far. */
  bytesRead(): number;
  close(): void;
}

const READ_CHUNK_BYTES = 1 << 20;
/** A whole-array JSON file is parsed in memory; beyond this size JSON lines are required. */
const MAX_JSON_ARRAY_BYTES = 256 << 20;

export async function openRecordSource(path: string, format: FileFormat): Promise<RecordSource> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (format.layout === 'json') {
    file.destroy();
    let bytes = 0;
    const chunks = jsonArrayChunks(path, format, (n) => {
      bytes = n;
    });
    return { header: null, chunks, bytesRead: () => bytes, close: () => undefined };
  }
  const base = { bytesRead: () => file.bytesRead, close: () => file.destroy() };
  let text: Readable = file;
  if (format.encoding !== 'utf-8') {
    text = file.pipe(
      iconv.decodeStream(format.encoding, { stripBOM: true }) as unknown as Readable & NodeJS.WritableStream,
    );
    file.on('error', (error) => text.destroy(error));
  }
  if (format.layout === 'jsonl') return { ...base, header: null, chunks: jsonLineChunks(text) };

  const chunks = csvChunks(text, format.delimiter);
  const first = await chunks.next();
  const firstChunk = first.done ? [] : first.value;
  const headerRecord = firstChunk.shift();
  const header = headerRecord && 'cells' in headerRecord ? headerRecord.cells : null;
  async function* rest(): AsyncGenerator<SourceRecord[]> {
    if (firstChunk.length > 0) yield firstChunk;
    yield* chunks;
  }
  return { ...base, header, chunks: rest() };
}

/** Reads everything the stream has buffered at once: one await per chunk, not per row. */
async function* readableChunks<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('readable', notify);
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (error) => {
    failure = error;
    notify();
  });
  for (;;) {
    const out: T[] = [];
    for (let item = stream.read(); item !== null; item = stream.read()) out.push(item as T);
    if (out.length > 0) {
      yield out;
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

/** The synchronous core of csv-parse's stream (`Parser.api`): records of a buffer, or an error. */
interface CsvParserCore {
  parse(
    buffer: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

/** csv-parse with the options of every import; `recordDelimiter` when the file's is known. */
function fullCsvParser(delimiter: string, recordDelimiter: RecordDelimiter | null): CsvParserCore {
  const parser = parse({
    bom: false,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    ...(recordDelimiter ? { record_delimiter: recordDelimiter } : {}),
  }) as unknown as { api?: CsvParserCore };
  if (typeof parser.api?.parse !== 'function') throw new Error('csv-parse no longer exposes Parser.api');
  return parser.api;
}

/**
 * CSV records: split by PlainCsvSplitter while the text has no quote, then by csv-parse (its
 * synchronous core) from the first quote to the end of the file. One byte-order mark is skipped.
 */
export async function* csvChunks(text: Readable, delimiter: string): AsyncGenerator<SourceRecord[]> {
  let row = 0;
  const decoder = new StringDecoder('utf8');
  const plain = new PlainCsvSplitter(delimiter);
  let full: CsvParserCore | null = null;
  let atStart = true;
  let failure: unknown = null;
  const numbered = (records: string[][]): SourceRecord[] => records.map((cells) => ({ row: ++row, cells }));
  /** Records of the next piece of text (or of the end, for null). */
  const recordsOf = (piece: string | null): string[][] => {
    if (full === null) {
      const records = piece === null ? plain.end() : plain.push(piece);
      if (records !== null) return records;
      full = fullCsvParser(delimiter, plain.recordDelimiter);
      const rest = plain.takeRest();
      const out: string[][] = [];
      const error = full.parse(Buffer.from(rest), piece === null, (r: string[]) => out.push(r), noop);
      if (error) failure = error;
      return out;
    }
    const out: string[][] = [];
    const error = full.parse(
      piece === null ? undefined : Buffer.from(piece),
      piece === null,
      (r: string[]) => out.push(r),
      noop,
    );
    if (error) failure = error;
    return out;
  };
  try {
    for await (const pieces of readableChunks<Buffer | string>(text)) {
      let piece = pieces.map((p) => (typeof p === 'string' ? p : decoder.write(p))).join('');
      if (atStart && piece !== '') {
        if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
        atStart = false;
      }
      const records = recordsOf(piece);
      // Records before an unreadable spot are imported; the error names the row after them.
      if (records.length > 0) yield numbered(records);
      if (failure) throw failure;
    }
    const tail = decoder.end();
    if (tail !== '') {
      const records = recordsOf(atStart && tail.charCodeAt(0) === 0xfeff ? tail.slice(1) : tail);
      if (records.length > 0) yield numbered(records);
      if (failure) throw failure;
    }
    const last = recordsOf(null);
    if (last.length > 0) yield numbered(last);
    if (failure) throw failure;
  } catch (error) {
    throw unreadable(error, row + 1);
  }
}

function noop(): void {}

function unreadable(error: unknown, row: number): unknown {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: string }).code?.startsWith('CSV_')) {
    return new AppError(
      'invalid_input',
      `the CSV file cannot be read from row ${row} on (${message}). Check that every quote (") is closed. Rows before it were imported.`,
      { cause: error },
    );
  }
  return error;
}

async function* jsonLineChunks(text: Readable): AsyncGenerator<SourceRecord[]> {
  let row = 0;
  let carry = '';
  const decoder = new StringDecoder('utf8');
  const toRecords = (lines: string[]): SourceRecord[] => {
    const out: SourceRecord[] = [];
    for (const raw of lines) {
      row++;
      const line = raw.replace(/^\uFEFF/, '').trim();
      if (line === '') continue;
      out.push(jsonRecord(row, line));
    }
    return out;
  };
  for await (const pieces of readableChunks<Buffer | string>(text)) {
    const lines = (carry + pieces.map((p) => (typeof p === 'string' ? p : decoder.write(p))).join('')).split(
      '\n',
    );
    carry = lines.pop() ?? '';
    yield toRecords(lines);
  }
  carry += decoder.end();
  if (carry !== '') yield toRecords([carry]);
}

function jsonRecord(row: number, line: string): SourceRecord {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { row, object: value as Record<string, unknown>, line };
    }
    return { row, invalidJson: 'expected a JSON object ({…}) on each line', line };
  } catch (error) {
    return { row, invalidJson: `not valid JSON (${(error as Error).message})`, line };
  }
}

async function* jsonArrayChunks(
  path: string,
  format: FileFormat,
  setBytes: (n: number) => void,
): AsyncGenerator<SourceRecord[]> {
  const size = statSync(path).size;
  if (size > MAX_JSON_ARRAY_BYTES) {
    throw new AppError(
      'invalid_input',
      `the JSON file is ${Math.round(size / 2 ** 20)} MB; a JSON array is read whole and may be at most ${MAX_JSON_ARRAY_BYTES / 2 ** 20} MB. Write one object per line (JSON lines, .jsonl) instead. Nothing was imported.`,
    );
  }
  const text = iconv.decode(readFileSync(path), format.encoding, { stripBOM: true });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `the JSON file is not valid JSON (${(error as Error).message}). Nothing was imported.`,
    );
  }
  if (!Array.isArray(value)) {
    throw new AppError(
      'invalid_input',
      'the JSON file must hold an array of objects ([{…}, {…}]). Nothing was imported.',
    );
  }
  setBytes(size);
  const CHUNK = 10_000;
  for (let start = 0; start < value.length; start += CHUNK) {
    yield value.slice(start, start + CHUNK).map((item: unknown, k): SourceRecord => {
      const row = start + k + 1;
      const line = JSON.stringify(item) ?? '';
      return item !== null && typeof item === 'object' && !Array.isArray(item)
        ? { row, object: item as Record<string, unknown>, line }
        : { row, invalidJson: 'expected a JSON object ({…}) in the array', line };
    });
  }
}
