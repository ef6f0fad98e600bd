/**
 * What an import would read from a file, from its first bytes only (the web app sends the first
 * 256 KiB): the detected encoding and layout, the header, a few decoded rows, and the column
 * each header would fill through the alias table, so the user can map what is not recognised
 * before uploading the whole file.
 */
import { parse } from 'csv-parse/sync';
import { japaneseHeader, mapHeader } from '../core/collect/columnAliases.js';
import { canonicalColumns, requiredColumnGroups } from '../core/collect/columnMapping.js';
import { requiredColumnsMissing } from '../core/collect/rowSchemas.js';
import { AppError } from '../core/errors.js';
import { decodeSample, ENCODING_LABEL, type FileFormat, formatOfSample } from './fileFormat.js';
import type { ImportKind } from './index.js';

/** Rows of the file shown under the header. */
export const PREVIEW_ROWS = 5;

/** The preview as the API sends it (SPEC's snake_case). */
export interface ImportPreview {
  kind: ImportKind;
  /** "UTF-8", "Shift_JIS (CP932)", … */
  encoding: string;
  has_bom: boolean;
  layout: FileFormat['layout'];
  delimiter: FileFormat['delimiter'];
  header: string[];
  /** Up to PREVIEW_ROWS rows, decoded, one cell per header. */
  rows: string[][];
  /** For each header, the canonical column the alias table gives it (null: not recognised). */
  proposed: { source: string; column: string | null }[];
  /** The kind's canonical columns; `required` when a file must fill it on its own. */
  columns: { name: string; required: boolean; label_ja: string | null }[];
  /** Each group needs at least one of its columns mapped (events: customer_id or email). */
  required_groups: string[][];
  /** Required columns the proposed mapping leaves unfilled. */
  missing_required: string[];
}

/**
 * Previews `sample`, the start of a file named `fileName`. Unless `complete` (the sample is the
 * whole file), the text after the last line break is dropped: it may be a cut row or character.
 */
export function previewImport(
  kind: ImportKind,
  sample: Buffer,
  options: { fileName: string; complete: boolean },
): ImportPreview {
  const isUtf16 = (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
  let bytes = sample;
  // In UTF-8 and CP932 a 0x0A byte is always a line feed, never part of a character.
  if (!options.complete && !isUtf16) {
    const lineEnd = sample.lastIndexOf(0x0a);
    if (lineEnd >= 0) bytes = sample.subarray(0, lineEnd + 1);
  }
  if (bytes.length === 0 || (bytes.length <= 3 && bytes[0] === 0xef)) {
    throw new AppError('invalid_input', 'body: the file is empty; expected a header row naming the columns.');
  }
  const format = formatOfSample(bytes, options.fileName);
  const bomBytes = format.hasBom ? (format.encoding === 'utf-8' ? 3 : 2) : 0;
  let text = decodeSample(bytes.subarray(bomBytes), format.encoding);
  if (!options.complete && isUtf16 && text.includes('\n')) text = text.slice(0, text.lastIndexOf('\n') + 1);
  const { header, rows } =
    format.layout === 'csv' ? csvSample(text, format.delimiter) : jsonSample(text, format);
  const proposal = mapHeader(kind, header).columns;
  const groups = requiredColumnGroups(kind);
  return {
    kind,
    encoding: ENCODING_LABEL[format.encoding],
    has_bom: format.hasBom,
    layout: format.layout,
    delimiter: format.delimiter,
    header,
    rows,
    proposed: header.map((source, i) => ({ source, column: proposal[i] ?? null })),
    columns: canonicalColumns(kind).map((name) => ({
      name,
      required: groups.some((g) => g.length === 1 && g[0] === name),
      label_ja: japaneseHeader(kind, name),
    })),
    required_groups: groups,
    missing_required: requiredColumnsMissing(kind, proposal),
  };
}

function csvSample(text: string, delimiter: string): { header: string[]; rows: string[][] } {
  const options = { delimiter, relax_column_count: true, relax_quotes: true, bom: true };
  let records: string[][];
  try {
    records = parse(text, { ...options, to: PREVIEW_ROWS + 1 }) as string[][];
  } catch {
    // A quoted cell cut by the end of the sample: the header line alone still tells the columns.
    records = parse(text.slice(0, text.search(/\r?\n|$/)), options) as string[][];
  }
  const [header = [], ...rows] = records;
  const blank = (r: string[]) => r.every((c) => c.trim() === '');
  return { header, rows: rows.filter((r) => !blank(r)).slice(0, PREVIEW_ROWS) };
}

function jsonSample(text: string, format: FileFormat): { header: string[]; rows: string[][] } {
  let objects: Record<string, unknown>[] = [];
  if (format.layout === 'json') {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) objects = value.filter(isObject).slice(0, PREVIEW_ROWS);
    } catch {
      // Only part of a JSON array arrived: no keys can be shown.
    }
  } else {
    for (const line of text.split('\n')) {
      if (objects.length >= PREVIEW_ROWS) break;
      try {
        const value: unknown = JSON.parse(line.replace(/^\uFEFF/, ''));
        if (isObject(value)) objects.push(value);
      } catch {
        // A bad line is the import's reject, not the preview's concern.
      }
    }
  }
  const header = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const cell = (value: unknown) =>
    value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return { header, rows: objects.map((o) => header.map((key) => cell(o[key]))) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
