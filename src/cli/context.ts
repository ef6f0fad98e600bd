import { type Command, Option } from 'commander';
import { AppError, type AppErrorCode } from '../core/errors.js';
import { openStorage, type Storage } from '../storage/index.js';

/** Exit codes of SPEC's CLI contract. */
export const EXIT = { ok: 0, partial: 1, failed: 2 } as const;

const EXIT_CODE: Record<AppErrorCode, number> = {
  invalid_input: EXIT.failed,
  unauthenticated: EXIT.failed,
  forbidden: EXIT.failed,
  not_found: EXIT.failed,
  conflict: EXIT.failed,
  not_available: EXIT.failed,
  insufficient_data: EXIT.failed,
};

export interface DatabaseFlags {
  db?: string;
  databaseUrl?: string;
}

/** Adds --db / --database-url to a command. */
export function withDatabase(command: Command): Command {
  return command
    .addOption(new Option('--db <file>', 'SQLite database file (embedded mode)').default('mezame.db'))
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL URL (team server mode)').env('MEZAME_DATABASE_URL'),
    );
}

export async function openFromFlags(flags: DatabaseFlags): Promise<Storage> {
  return openStorage(
    flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : { dbFile: flags.db ?? 'mezame.db' },
  );
}

/** Runs `work` with an open database and always closes it. */
export async function withStorage<T>(
  flags: DatabaseFlags,
  work: (storage: Storage) => Promise<T>,
): Promise<T> {
  const storage = await openFromFlags(flags);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** Prints exactly one JSON document on stdout (the `--json` contract). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Thrown by a command to end with a given exit code after its output is printed. */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ExitWith) return error.exitCode;
  if (error instanceof AppError) return EXIT_CODE[error.code];
  return EXIT.failed;
}

/** A command whose capability has not been built yet: says so and exits non-zero. */
export function notYetAvailable(what: string, issue: number): never {
  const tracked = issue > 0 ? ` (tracked in issue #${issue})` : '';
  throw new AppError(
    'not_available',
    `${what} is not available in this version yet${tracked}. Nothing was changed.`,
  );
}
