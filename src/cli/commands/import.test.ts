import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';

const BIN = fileURLToPath(new URL('../../../bin/mezame.mjs', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mezame(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mezame-import-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function aFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const CUSTOMERS = 'customer_id,name\nC1,株式会社ABC\nC2,山田商店\n';

describe.each(ENGINES)('mezame import on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('prints the JSON document of SPEC and exits 0 when every row is accepted', async () => {
    const file = aFile(`customers-${engine}.csv`, CUSTOMERS);
    const result = await mezame(['import', 'customers', file, ...database.cliArgs, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      kind: 'customers',
      file,
      rows: 2,
      accepted: 2,
      rejected: 0,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected_file: null,
      warnings: [],
    });
  });

  it('exits 1 and names the reject file when some rows are rejected', async () => {
    const file = aFile(
      `orders-${engine}.csv`,
      'order_id,customer_id,ordered_at,amount\nO1,C1,2024-03-05,100\nO2,C404,2024-03-05,100\n',
    );
    const result = await mezame(['import', 'orders', file, ...database.cliArgs, '--json']);
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      rows: 2,
      accepted: 1,
      rejected: 1,
      rejected_file: `${file}.rejected.csv`,
    });
    expect(existsSync(`${file}.rejected.csv`)).toBe(true);
  });

  it('exits 2 with the list of kinds for an unknown kind', async () => {
    const result = await mezame(['import', 'invoices', aFile('x.csv', 'a\n1\n'), ...database.cliArgs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('customers, contacts, orders, subscriptions, events, changes');
  });

  it('exits 2 for a missing file and for a missing required column, storing nothing', async () => {
    const missing = await mezame(['import', 'orders', join(dir, 'nope.csv'), ...database.cliArgs]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const file = aFile(`nocol-${engine}.csv`, 'order_id,customer_id\nO9,C1\n');
    const result = await mezame(['import', 'orders', file, ...database.cliArgs, '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/ordered_at .*amount/);
    const storage = await database.open();
    try {
      const orders = await storage.db.selectFrom('orders').select('order_id').execute();
      expect(orders).toEqual([{ order_id: 'O1' }]);
    } finally {
      await storage.close();
    }
  });

  it('imports headers the aliases do not know through --map, and exits 2 for a mapping it cannot use', async () => {
    const file = aFile(`mapped-${engine}.csv`, '得意先番号,取引先名称,社内メモ\nM1,株式会社マップ,x\n');
    const refused = await mezame([
      'import',
      'customers',
      file,
      ...database.cliArgs,
      '--map',
      '得意先番号=customer_id,取引先名称=customer_id',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("'得意先番号' and '取引先名称' are both mapped to customer_id");
    const malformed = await mezame(['import', 'customers', file, ...database.cliArgs, '--map', 'name']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--map: 'name' is not header=column");
    const result = await mezame([
      'import',
      'customers',
      file,
      ...database.cliArgs,
      '--json',
      '--map',
      '得意先番号=customer_id',
      '--map',
      '取引先名称=name,社内メモ=',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 1, accepted: 1, inserted: 1, warnings: [] });
    const help = await mezame(['import', '--help']);
    expect(help.stdout).toContain('--map <pairs>');
  });

  it('leaves only whole batches when killed mid-import, and a second run completes it', async () => {
    const customers = 500;
    const rows = 300_000;
    const customersFile = join(dir, `big-customers-${engine}.csv`);
    writeFileSync(
      customersFile,
      `customer_id,name\n${Array.from({ length: customers }, (_, i) => `B${i},会社${i}`).join('\n')}\n`,
    );
    expect((await mezame(['import', 'customers', customersFile, ...database.cliArgs])).code).toBe(0);
    const ordersFile = join(dir, `big-orders-${engine}.csv`);
    await writeLines(
      ordersFile,
      'order_id,customer_id,ordered_at,amount,product',
      rows,
      (i) =>
        `BO${i},B${i % customers},2023-${String(1 + (i % 12)).padStart(2, '0')}-15,${1000 + (i % 900)},商品${i % 30}`,
    );

    const child = spawn(process.execPath, [BIN, 'import', 'orders', ordersFile, ...database.cliArgs], {
      stdio: 'ignore',
    });
    const storage = await database.open();
    try {
      const committed = await waitForBatches(storage, 2, child);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
      const run = await storage.db
        .selectFrom('import_batches')
        .selectAll()
        .where('file', '=', ordersFile)
        .executeTakeFirstOrThrow();
      expect(committed).toBeGreaterThan(0);
      expect(run.status).toBe('running');
      const stored = await countOrders(storage, ordersFile);
      expect(stored).toBe(run.inserted);
      expect(stored % 10_000).toBe(0);
      expect(stored).toBeLessThan(rows);
      const orphans = await sql<{
        n: number;
      }>`select count(*) as n from orders o left join customers c on c.customer_id = o.customer_id where c.customer_id is null`.execute(
        storage.db,
      );
      expect(Number(orphans.rows[0]?.n)).toBe(0);

      const again = await mezame(['import', 'orders', ordersFile, ...database.cliArgs, '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({
        rows,
        accepted: rows,
        inserted: rows - stored,
        unchanged: stored,
        updated: 0,
      });
      expect(await countOrders(storage, ordersFile)).toBe(rows);
    } finally {
      child.kill('SIGKILL');
      await storage.close();
    }
  }, 180_000);
});

async function countOrders(
  storage: Awaited<ReturnType<TestDatabase['open']>>,
  _file: string,
): Promise<number> {
  const row = await storage.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('order_id', 'like', 'BO%')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Waits until the running import has committed `batches` batches; returns the rows committed. */
async function waitForBatches(
  storage: Awaited<ReturnType<TestDatabase['open']>>,
  batches: number,
  child: ChildProcess,
): Promise<number> {
  for (let attempt = 0; attempt < 3000; attempt++) {
    if (child.exitCode !== null) throw new Error('the import finished before it could be interrupted');
    const run = await storage.db
      .selectFrom('import_batches')
      .select(['accepted'])
      .where('kind', '=', 'orders')
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (run && run.accepted >= batches * 10_000) return run.accepted;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the import committed no batch in time');
}

async function writeLines(
  path: string,
  header: string,
  rows: number,
  line: (i: number) => string,
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  const CHUNK = 10_000;
  for (let start = 0; start < rows; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + CHUNK); i++) lines.push(line(i));
    if (!out.write(`${lines.join('\n')}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
