import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** An auto-numbered primary key, spelled the way each engine wants it. */
export function serialId(
  engine: Engine,
): [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return engine === 'sqlite'
    ? ['integer', (c) => c.primaryKey().autoIncrement()]
    : ['integer', (c) => c.primaryKey().generatedByDefaultAsIdentity()];
}
