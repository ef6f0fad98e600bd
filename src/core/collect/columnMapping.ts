/**
 * A column mapping chosen by the user (the web import table, `mezame import --map`): source
 * header text → canonical column, or null/'' to ignore the header. It is applied over the alias
 * table: a mapped header takes its column, the other headers fall back to the aliases.
 */
import {
  COLUMN_ALIASES,
  chosenHeaderKey,
  type HeaderMapping,
  type ImportKindName,
  mapHeader,
} from './columnAliases.js';
import { REQUIRED_COLUMNS } from './rowSchemas.js';

/** Source header → canonical column; null or '' ignores the header. */
export type ColumnMapping = Readonly<Record<string, string | null>>;

/**
 * The canonical columns of a kind, in SPEC order.
 *
 * @example canonicalColumns('customers').slice(0, 2) // ['customer_id', 'name']
 */
export function canonicalColumns(kind: ImportKindName): string[] {
  return Object.keys(COLUMN_ALIASES[kind]);
}

/**
 * What a file of a kind must fill: each group needs at least one of its columns (events need
 * `customer_id` or `email`).
 *
 * @example requiredColumnGroups('events') // [['customer_id', 'email'], ['type'], ['occurred_at']]
 */
export function requiredColumnGroups(kind: ImportKindName): string[][] {
  const groups = REQUIRED_COLUMNS[kind].map((c) => [c]);
  if (kind === 'events') groups.unshift(['customer_id', 'email']);
  return groups;
}

/**
 * Why a mapping cannot be used for a kind, one message per problem (empty when it can): an
 * unknown canonical column, or two headers mapped to one column.
 *
 * @example columnMappingProblems('orders', { 伝票日付: 'date_of_order' })
 *   // ["'伝票日付' is mapped to 'date_of_order', which is not a column of orders; …"]
 */
export function columnMappingProblems(kind: ImportKindName, mapping: ColumnMapping): string[] {
  const allowed = canonicalColumns(kind);
  const problems: string[] = [];
  const byColumn = new Map<string, string>();
  for (const [header, target] of Object.entries(mapping)) {
    if (target === null || target === '') continue;
    if (!allowed.includes(target)) {
      problems.push(
        `'${header}' is mapped to '${target}', which is not a column of ${kind}; use one of ${allowed.join(', ')}, or leave it empty to ignore the header`,
      );
      continue;
    }
    const earlier = byColumn.get(target);
    if (earlier !== undefined) {
      problems.push(
        `'${earlier}' and '${header}' are both mapped to ${target}; a column can be filled from one header only`,
      );
    } else {
      byColumn.set(target, header);
    }
  }
  return problems;
}

/**
 * The mapping's targets by normalised header text ('' becomes null), for lookups.
 */
export function mappingIndex(mapping: ColumnMapping): Map<string, string | null> {
  const index = new Map<string, string | null>();
  for (const [header, target] of Object.entries(mapping)) {
    index.set(chosenHeaderKey(header), target === '' ? null : target);
  }
  return index;
}

/**
 * Maps a header with a user mapping over the alias table. Assumes `columnMappingProblems` found
 * none. `absent` lists the mapping's headers the file does not have.
 *
 * @example mapHeaderWith('orders', ['伝票日付', '受注番号'], { 伝票日付: 'ordered_at' }).columns
 *   // ['ordered_at', 'order_id']
 */
export function mapHeaderWith(
  kind: ImportKindName,
  header: readonly string[],
  mapping: ColumnMapping,
): HeaderMapping & { absent: string[] } {
  const present = new Set(header.map(chosenHeaderKey));
  const absent = Object.keys(mapping).filter((h) => !present.has(chosenHeaderKey(h)));
  return { ...mapHeader(kind, header, mappingIndex(mapping)), absent };
}

/**
 * Reads `--map` text: `header=column` pairs separated by commas; `header=` ignores the header.
 * Returns the mapping or the pair that is not of that form.
 *
 * @example parseColumnMapText('得意先コード=customer_id,備考=')
 *   // { ok: true, mapping: { 得意先コード: 'customer_id', 備考: null } }
 */
export function parseColumnMapText(
  text: string,
): { ok: true; mapping: Record<string, string | null> } | { ok: false; pair: string } {
  const mapping: Record<string, string | null> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.lastIndexOf('=');
    if (at <= 0 || pair.slice(0, at).trim() === '') return { ok: false, pair };
    const target = pair.slice(at + 1).trim();
    mapping[pair.slice(0, at).trim()] = target === '' ? null : target;
  }
  return { ok: true, mapping };
}
