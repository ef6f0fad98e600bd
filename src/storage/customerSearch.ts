/**
 * The customer list's text search: customers whose name, name_key or customer_id contains the
 * text (LIKE '%q%' on SQLite, ILIKE on PostgreSQL: case-insensitive for ASCII on SQLite).
 *
 * From three characters on, a trigram index narrows the rows first (013_customer_search): on
 * SQLite the FTS5 table customer_search, on PostgreSQL pg_trgm GIN indexes that the ILIKE itself
 * uses. The LIKE is always applied as well, so the result is exactly the LIKE's: the index may
 * only propose extra rows (FTS5 folds case beyond ASCII), which the LIKE then drops.
 *
 * Two characters on SQLite: every indexed text ends in two markers (016_short_search), so each
 * occurrence of the two characters starts an indexed trigram; the index's terms that begin with
 * them (customer_search_terms, a range read) are matched together. Only when the characters fold
 * the same in FTS5 and in JavaScript (ASCII, or characters without case such as kanji, kana and
 * digits), and only when those terms point at few customers (`shortSearchUsesIndex`): for two
 * characters most names share, rechecking every candidate costs more than the scan.
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
export function nameSearchCondition(
  storage: Storage,
  q: string,
  options: { shortIndex?: boolean } = {},
): RawBuilder<SqlBool> {
  const pattern = `%${escapeLike(q)}%`;
  const like = sql.raw(storage.engine === 'postgres' ? 'ilike' : 'like');
  const contains = (column: string) => sql`${sql.ref(`customers.${column}`)} ${like} ${pattern} escape '\\'`;
  const scan = sql<SqlBool>`(${contains('name')} or ${contains('name_key')} or ${contains('customer_id')})`;
  if (storage.engine === 'postgres') return scan;
  if (usesTrigrams(q)) {
    return sql<SqlBool>`(customers.rowid in (select rowid from customer_search where customer_search match ${ftsPhrase(q)}) and ${scan})`;
  }
  if (options.shortIndex !== true || !usesTermPrefixes(q)) return scan;
  const folded = q.toLowerCase();
  // The terms beginning with q, as one FTS5 query "t1" OR "t2" …; none: a term no text has.
  const terms = sql<string>`(select coalesce(group_concat('"' || replace(term, '"', '""') || '"', ' OR '), ${NO_TERM})
    from customer_search_terms where term >= ${folded} and term < ${`${folded}\u{10FFFF}`})`;
  return sql<SqlBool>`(customers.rowid in (select rowid from customer_search where customer_search match ${terms}) and ${scan})`;
}

/** Above this many candidates from the terms, a two-character search scans instead (≈75 ms of rechecks). */
export const MAX_SHORT_SEARCH_CANDIDATES = 20_000;

/**
 * Whether a two-character search for `q` should go through the index's terms: SQLite, characters
 * the index folds as JavaScript does, and at most MAX_SHORT_SEARCH_CANDIDATES customers behind
 * the terms (the vocabulary's document counts: an upper bound, one range read).
 */
export async function shortSearchUsesIndex(storage: Storage, q: string): Promise<boolean> {
  if (storage.engine !== 'sqlite' || !usesTermPrefixes(q)) return false;
  const folded = q.toLowerCase();
  const result = await sql<{ n: number | null }>`select sum(doc) as n from customer_search_terms
    where term >= ${folded} and term < ${`${folded}\u{10FFFF}`}`.execute(storage.db);
  return Number(result.rows[0]?.n ?? 0) <= MAX_SHORT_SEARCH_CANDIDATES;
}

/** Three markers in a row: indexed texts end in two, so no term is ever this. */
const NO_TERM = '"\u001f\u001f\u001f"';

/** Whether the SQLite index's terms can answer a two-character search for `q`. */
export function usesTermPrefixes(q: string): boolean {
  const chars = [...q];
  return (
    chars.length === 2 &&
    chars.every(
      (c) =>
        c !== '\0' &&
        c !== '\u001f' &&
        ((c.codePointAt(0) as number) < 128 || c.toLowerCase() === c.toUpperCase()),
    )
  );
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
