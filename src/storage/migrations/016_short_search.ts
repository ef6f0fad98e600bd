import { type Kysely, sql } from 'kysely';
import type { Engine } from './columns.js';

/**
 * Two-character search from the index (SQLite). The trigram index of 013 cannot answer a search
 * for two characters, and scanning a million customers takes a third of a second. Every text is
 * now indexed with two marker characters (U+001F) appended, so each place two characters occur —
 * the end of the text included — starts a trigram: a two-character search is the union of the
 * index's terms that begin with those characters (read from the fts5vocab table
 * customer_search_terms), rechecked by the LIKE as before. The index reads the marked text through
 * the view customer_search_text (FTS5 external content may be a view); the triggers write the same.
 * PostgreSQL: nothing changes.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine !== 'sqlite') return;
  for (const trigger of ['customer_search_insert', 'customer_search_delete', 'customer_search_update']) {
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  }
  await sql`drop table if exists customer_search`.execute(db);
  await sql`create view customer_search_text as
    select rowid as customer_rowid, ${marked('name')} as name, ${marked('name_key')} as name_key,
      ${marked('customer_id')} as customer_id
    from customers`.execute(db);
  await sql`create virtual table customer_search using fts5(name, name_key, customer_id,
    content='customer_search_text', content_rowid='customer_rowid', columnsize=0,
    tokenize='trigram case_sensitive 0')`.execute(db);
  const values = (row: 'new' | 'old') =>
    sql.join(['name', 'name_key', 'customer_id'].map((c) => marked(`${row}.${c}`)));
  await sql`create trigger customer_search_insert after insert on customers begin
    insert into customer_search (rowid, name, name_key, customer_id) values (new.rowid, ${values('new')});
  end`.execute(db);
  await sql`create trigger customer_search_delete after delete on customers begin
    insert into customer_search (customer_search, rowid, name, name_key, customer_id)
      values ('delete', old.rowid, ${values('old')});
  end`.execute(db);
  await sql`create trigger customer_search_update after update on customers
    when old.rowid is not new.rowid or old.name is not new.name
      or old.name_key is not new.name_key or old.customer_id is not new.customer_id
  begin
    insert into customer_search (customer_search, rowid, name, name_key, customer_id)
      values ('delete', old.rowid, ${values('old')});
    insert into customer_search (rowid, name, name_key, customer_id) values (new.rowid, ${values('new')});
  end`.execute(db);
  await sql`insert into customer_search (customer_search) values ('rebuild')`.execute(db);
  await sql`create virtual table customer_search_terms using fts5vocab(customer_search, 'row')`.execute(db);
}

/** A column's text with the end marker (null stays null: nothing to index). */
function marked(column: string) {
  return sql`${sql.raw(column)} || char(31, 31)`;
}
