/**
 * The customer list's text search: customers whose name, name_key or customer_id contains the
 * text (LIKE '%q%' on SQLite, ILIKE on PostgreSQL: case-insensitive for ASCII on SQLite).
 *
 * From three characters on, a trigram index narrows the rows first (013_customer_search): on
 * SQLite the FTS5 table customer_search, on PostgreSQL pg_trgm GIN indexes that the ILIKE itself
 * uses. The LIKE is always applied as well, so the result is exactly the LIKE's: the index may
 * only propose extra rows (FTS5 folds case beyond ASCII), which the LIKE then drops. One or two
 * characters make no trigram and stay a scan.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Storage } from './storage.js';

/** Characters (code points) a trigram index needs to narrow anything. */
export const MIN_INDEXED_SEARCH_LENGTH = 3;

/**
 * Where-condition on a query over `customers` (referenced by that name, no alias): the
 * customers whose name, name_key or customer_id contains `q`. `q` is matched as given (trim
 * it before); every character is literal, `%`, `_`, `\` and quotes included.
 */
export function nameSearchCondition(storage: Storage, q: string): RawBuilder<SqlBool> {
  const pattern = `%${escapeLike(q)}%`;
  const like = sql.raw(storage.engine === 'postgres' ? 'ilike' : 'like');
  const contains = (column: string) => sql`${sql.ref(`customers.${column}`)} ${like} ${pattern} escape '\\'`;
  const scan = sql<SqlBool>`(${contains('name')} or ${contains('name_key')} or ${contains('customer_id')})`;
  if (storage.engine === 'postgres' || !usesTrigrams(q)) return scan;
  return sql<SqlBool>`(customers.rowid in (select rowid from customer_search where customer_search match ${ftsPhrase(q)}) and ${scan})`;
}

/** Whether the SQLite trigram index can narrow a search for `q`. */
export function usesTrigrams(q: string): boolean {
  // A NUL would end the text early somewhere between the two: leave it to the LIKE alone.
  return [...q].length >= MIN_INDEXED_SEARCH_LENGTH && !q.includes('\0');
}

/** `q` as one FTS5 phrase: a quoted string, so no character of it is query syntax. */
export function ftsPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
