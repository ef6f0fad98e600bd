/**
 * Importing files into storage (the "collect" step's adapter). Contract shared by the CLI,
 * the demo generator and the web app's upload screen.
 */
import type { ColumnMapping } from '../core/collect/columnMapping.js';
import type { Storage } from '../storage/index.js';

export type { ColumnMapping } from '../core/collect/columnMapping.js';

export const IMPORT_KINDS = [
  'customers',
  'contacts',
  'orders',
  'subscriptions',
  'events',
  'changes',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The `import --json` document of SPEC's CLI contract. */
export interface ImportSummary {
  kind: ImportKind;
  file: string;
  rows: number;
  accepted: number;
  rejected: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Path of FILE.rejected.csv, or null when every row was accepted. */
  rejected_file: string | null;
  warnings: string[];
  /** The detected text encoding ("UTF-8", "Shift_JIS (CP932)"); not part of the CLI's JSON. */
  encoding?: string;
}

export interface ImportProgress {
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Where to write rejected rows; default `${file}.rejected.csv`. */
  rejectFile?: string;
  /** The import's clock: orders and events dated after it are rejected. Default: now. */
  now?: Date;
  /** Rows per transaction (default 10,000). */
  batchRows?: number;
  /**
   * Read and check rows on a worker thread while this one writes (SQLite files only). Default:
   * for files of 8 MB and more; true forces it, false keeps everything on this thread.
   */
  threads?: boolean;
  /**
   * Source header (or JSON key) → canonical column, or null/'' to ignore it; applied over the
   * alias table. An unknown column or two headers mapped to one column refuses the file.
   */
  columns?: ColumnMapping;
}

export { importFile } from './importFile.js';
export { type ImportPreview, previewImport } from './importPreview.js';

/** The signature of importFile, for callers that load the importer lazily. */
export type ImportFileFunction = (
  storage: Storage,
  kind: ImportKind,
  path: string,
  options?: ImportOptions,
) => Promise<ImportSummary>;
