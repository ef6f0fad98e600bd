/**
 * From a source record to a canonical record: the CSV header is mapped to canonical columns
 * once (a missing required column refuses the whole file before anything is stored), JSON keys
 * as they are met. Shared by the in-thread import and the preparing worker.
 */
import { acceptedHeaders, chosenHeaderKey, mapHeader } from '../core/collect/columnAliases.js';
import {
  type ColumnMapping,
  canonicalColumns,
  columnMappingProblems,
  mapHeaderWith,
  mappingIndex,
} from '../core/collect/columnMapping.js';
import { type RowViolationCode, requiredColumnsMissing } from '../core/collect/rowSchemas.js';
import { AppError } from '../core/errors.js';
import type { ImportKind } from './index.js';
import type { SourceRecord } from './recordSource.js';

export interface Violation {
  column: string;
  code: RowViolationCode | 'extra_cells' | 'invalid_json';
  message: string;
}

/** Shared by every record without a problem (never added to). */
const NO_VIOLATIONS: Violation[] = [];

export type MappedRecord = { record: Record<string, unknown>; violations: Violation[] } | null;

/**
 * Turns each source record into a canonical record. Checks the CSV header once (a missing
 * required column refuses the whole file before anything is stored); JSON keys are mapped as met.
 */
export function recordMapper(
  kind: ImportKind,
  header: string[] | null,
  warnings: string[],
  columns?: ColumnMapping,
): (r: SourceRecord) => MappedRecord {
  if (columns) checkColumnMapping(kind, columns);
  if (header === null) return jsonMapper(kind, warnings, columns);
  const mapping = columns ? mapHeaderWith(kind, header, columns) : { ...mapHeader(kind, header), absent: [] };
  if (mapping.absent.length > 0) {
    throw new AppError(
      'invalid_input',
      `the column mapping names ${mapping.absent.map((h) => `'${h}'`).join(', ')}, which the header does not have; the header has ${header.map((h) => `'${h}'`).join(', ')}. Nothing was imported.`,
    );
  }
  const missing = requiredColumnsMissing(kind, mapping.columns);
  if (missing.length > 0) {
    const needs = missing
      .map((c) => `${c} (or ${acceptedHeaders(kind, c).slice(1, 9).join(', ')})`)
      .join('; ');
    throw new AppError(
      'invalid_input',
      `an import of ${kind} needs the column${missing.length > 1 ? 's' : ''} ${needs}; the header has ${header.map((h) => `'${h}'`).join(', ')}. Map a header to ${missing.length > 1 ? 'them' : 'it'} (--map 'header=${missing[0]}' or the import screen's table). Nothing was imported.`,
    );
  }
  if (mapping.unknown.length > 0) {
    warnings.push(
      `ignored column${mapping.unknown.length > 1 ? 's' : ''} not used for ${kind}: ${mapping.unknown.join(', ')}`,
    );
  }
  for (const [raw, column] of mapping.repeated) {
    warnings.push(`ignored column '${raw}': an earlier column already fills ${column}`);
  }
  const positions: [number, string][] = [];
  mapping.columns.forEach((column, index) => {
    if (column !== null) positions.push([index, column]);
  });
  const width = header.length;
  return (source) => {
    if (!('cells' in source)) return null;
    const { cells } = source;
    if (isBlank(cells)) return null;
    const record: Record<string, unknown> = {};
    for (let k = 0; k < positions.length; k++) {
      const [index, column] = positions[k] as [number, string];
      record[column] = cells[index];
    }
    if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
      const violation: Violation = {
        column: '',
        code: 'extra_cells',
        message: `the row has ${cells.length} cells but the header has ${width}: a value containing a comma (like 1,200) must be in double quotes`,
      };
      return { record, violations: [violation] };
    }
    return { record, violations: NO_VIOLATIONS };
  };
}

function isBlank(cells: readonly string[]): boolean {
  if (cells.length === 1) return (cells[0] ?? '').trim() === '';
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

/** Throws AppError naming every problem of a user's column mapping, before anything is stored. */
export function checkColumnMapping(kind: ImportKind, columns: ColumnMapping): void {
  const problems = columnMappingProblems(kind, columns);
  if (problems.length > 0) {
    throw new AppError(
      'invalid_input',
      `the column mapping cannot be used: ${problems.join('; ')}. Columns of ${kind}: ${canonicalColumns(kind).join(', ')}. Nothing was imported.`,
    );
  }
}

function jsonMapper(
  kind: ImportKind,
  warnings: string[],
  columns?: ColumnMapping,
): (r: SourceRecord) => MappedRecord {
  const chosen = columns ? mappingIndex(columns) : new Map<string, string | null>();
  const chosenColumns = new Set([...chosen.values()].filter((c): c is string => c !== null));
  const keyColumns = new Map<string, string | null>();
  const unknown = new Set<string>();
  const probe = (key: string) => {
    let column = keyColumns.get(key);
    if (column === undefined) {
      const normalised = chosenHeaderKey(key);
      if (chosen.has(normalised)) {
        column = chosen.get(normalised) ?? null;
        keyColumns.set(key, column);
        return column;
      }
      column = mapHeader(kind, [key]).columns[0] ?? null;
      // A mapped key fills this column: the alias does not compete with it.
      if (column !== null && chosenColumns.has(column)) column = null;
      keyColumns.set(key, column);
      if (column === null && unknown.size < 50) {
        unknown.add(key);
        warnings.push(`ignored field not used for ${kind}: ${key}`);
      }
    }
    return column;
  };
  return (source) => {
    if ('invalidJson' in source) {
      return { record: {}, violations: [{ column: '', code: 'invalid_json', message: source.invalidJson }] };
    }
    if (!('object' in source)) return null;
    const record: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source.object)) {
      const column = probe(key);
      if (column !== null && !(column in record)) record[column] = value;
    }
    return { record, violations: NO_VIOLATIONS };
  };
}
