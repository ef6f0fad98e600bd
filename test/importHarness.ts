/**
 * Common ground of the importer's tests: the modes every import runs in (each engine reading
 * in-thread, and SQLite again with rows read and checked on a worker thread), files written to a
 * temp directory of the suite, and a table's row count.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import { ENGINES } from './engines.js';

/** Every engine reading in-thread, and SQLite again with rows read and checked on a worker thread. */
export const IMPORT_MODES = [
  ...ENGINES.map((engine) => ({ engine, threads: false, label: engine })),
  { engine: 'sqlite' as const, threads: true, label: 'sqlite, preparing on a worker thread' },
];

/**
 * A temp directory for the suite's files (removed after it); `aFile` writes one there (and removes
 * an earlier reject file beside it) and returns its path; `pathOf` is a name's path there.
 */
export function importFilesDir(prefix: string): {
  aFile(name: string, content: string | Buffer): string;
  pathOf(name: string): string;
} {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    pathOf: (name) => join(dir, name),
    aFile(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      rmSync(`${path}.rejected.csv`, { force: true });
      return path;
    },
  };
}

export async function countRows(
  storage: Storage,
  table: 'customers' | 'orders' | 'events' | 'contacts',
): Promise<number> {
  const row = await storage.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
