/**
 * What a file is before it is read: its text encoding (detected, not guessed: a byte-order mark,
 * else strict UTF-8 over the first megabyte, else a check that every byte pair is valid
 * Shift_JIS/CP932) and its layout (CSV with comma or tab, or JSON lines).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { AppError } from '../core/errors.js';

export type FileEncoding = 'utf-8' | 'cp932' | 'utf-16le' | 'utf-16be';
export type FileLayout = 'csv' | 'jsonl' | 'json';

export interface FileFormat {
  encoding: FileEncoding;
  /** Whether the file starts with a byte-order mark (skipped when reading). */
  hasBom: boolean;
  layout: FileLayout;
  /** Field separator of a CSV file. */
  delimiter: ',' | '\t' | ';';
}

/** How much of the file the detection reads. */
export const SAMPLE_BYTES = 1 << 20;

export const ENCODING_LABEL: Record<FileEncoding, string> = {
  'utf-8': 'UTF-8',
  cp932: 'Shift_JIS (CP932)',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
};

export function detectFileFormat(path: string): FileFormat {
  return formatOfSample(readSample(path), path);
}

/** The format of a file from its first bytes and its name (only the extension is used). */
export function formatOfSample(sample: Buffer, path: string): FileFormat {
  const encoding = detectEncoding(sample);
  const hasBom = encoding.hasBom;
  const text = decodeSample(sample.subarray(encoding.bomBytes), encoding.encoding);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const extension = extname(path).toLowerCase();
  const start = text.trimStart();
  let layout: FileLayout = 'csv';
  if (extension === '.jsonl' || extension === '.ndjson' || (start.startsWith('{') && extension !== '.csv')) {
    layout = 'jsonl';
  } else if (extension === '.json' || start.startsWith('[')) {
    layout = 'json';
  }
  const count = (ch: string) => firstLine.split(ch).length - 1;
  let delimiter: FileFormat['delimiter'] = ',';
  if (extension === '.tsv' || (count('\t') > 0 && count('\t') >= count(','))) delimiter = '\t';
  else if (count(';') > 0 && count(',') === 0) delimiter = ';';
  return { encoding: encoding.encoding, hasBom, layout, delimiter };
}

function readSample(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a folder' : String(code);
    throw new AppError('invalid_input', `cannot read ${path}: ${why}. Nothing was imported.`, {
      cause: error,
    });
  }
  try {
    const buffer = Buffer.allocUnsafe(SAMPLE_BYTES);
    const length = readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

interface DetectedEncoding {
  encoding: FileEncoding;
  hasBom: boolean;
  bomBytes: number;
}

/**
 * The encoding of a sample taken from a file's start. Throws AppError when it is neither
 * UTF-8 nor Shift_JIS, rather than reading mojibake into the database.
 */
export function detectEncoding(sample: Buffer): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', hasBom: true, bomBytes: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', hasBom: true, bomBytes: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', hasBom: true, bomBytes: 2 };
  if (isUtf8(sample)) return { encoding: 'utf-8', hasBom: false, bomBytes: 0 };
  const badAt = firstNonShiftJisByte(sample);
  if (badAt < 0) return { encoding: 'cp932', hasBom: false, bomBytes: 0 };
  throw new AppError(
    'invalid_input',
    `the file is neither UTF-8 nor Shift_JIS (CP932): byte ${badAt} (0x${(sample[badAt] ?? 0).toString(16)}) fits neither. Save it as UTF-8 (Excel: "CSV UTF-8") and import it again. Nothing was imported.`,
  );
}

function isUtf8(sample: Buffer): boolean {
  // The sample may end inside a multi-byte character: cut back to the last character start.
  let end = sample.length;
  if (sample.length === SAMPLE_BYTES) {
    let back = 0;
    while (back < 4 && end > 0 && ((sample[end - 1] ?? 0) & 0xc0) === 0x80) {
      end--;
      back++;
    }
    if (end > 0 && (sample[end - 1] ?? 0) >= 0xc0) end--;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * Index of the first byte that cannot be CP932, or -1. CP932: ASCII, half-width katakana
 * 0xA1–0xDF, or a lead byte 0x81–0x9F / 0xE0–0xFC followed by a trail byte 0x40–0x7E / 0x80–0xFC.
 */
function firstNonShiftJisByte(sample: Buffer): number {
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i] ?? 0;
    if (byte < 0x80 || (byte >= 0xa1 && byte <= 0xdf)) continue;
    if ((byte >= 0x81 && byte <= 0x9f) || (byte >= 0xe0 && byte <= 0xfc)) {
      if (i + 1 >= sample.length) return sample.length === SAMPLE_BYTES ? -1 : i;
      const trail = sample[i + 1] ?? 0;
      if ((trail >= 0x40 && trail <= 0x7e) || (trail >= 0x80 && trail <= 0xfc)) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

export function decodeSample(bytes: Buffer, encoding: FileEncoding): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  if (encoding === 'utf-16le') return new TextDecoder('utf-16le').decode(bytes);
  return iconv.decode(bytes, encoding);
}
