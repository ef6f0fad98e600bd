/**
 * Name matching (名寄せ) at scale: the full candidate search over every customer of a SQLite
 * database (reading identities page by page + blocking + grouping), against SQLite's own
 * exact-key grouping (GROUP BY name_key / phone … HAVING COUNT(*) > 1) over the same table in
 * the same run, then merging every strong candidate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { companyNameKey, personNameKey } from '../src/core/collect/nameMatching.js';
import { openStorage, type Storage } from '../src/storage/index.js';
import {
  customerIdentityPages,
  findDuplicateCustomers,
  mergeCustomerGroup,
} from '../src/storage/nameMatchingQueries.js';
import type { Benchmark, BenchResult } from './index.js';

/** One planted twin per this many customers. */
const TWIN_EVERY = 1000;

export const nameMatchingBenchmark: Benchmark = {
  name: 'name-matching',
  description:
    'dedupe candidate search over 1 M customers (50k quick) vs. SQLite exact-key GROUP BY; merge rate',
  async run({ scale, log }): Promise<BenchResult[]> {
    const customers = scale === 'full' ? 1_000_000 : 50_000;
    const dir = mkdtempSync(join(tmpdir(), 'mezame-bench-names-'));
    const storage = await openStorage({ dbFile: join(dir, 'names.db') });
    try {
      const planted = fillCustomers(storage, customers);
      log(`inserted ${customers + planted} customers (${planted} planted twins)`);

      let t0 = performance.now();
      let loaded = 0;
      for await (const page of customerIdentityPages(storage)) loaded += page.length;
      const loadSeconds = (performance.now() - t0) / 1000;

      t0 = performance.now();
      const search = await findDuplicateCustomers(storage);
      const searchSeconds = (performance.now() - t0) / 1000;

      const sqlite = storage.sqlite;
      if (!sqlite) throw new Error('the name-matching benchmark runs on SQLite');
      t0 = performance.now();
      let sqlGroups = 0;
      for (const column of ['name_key', 'phone', 'email']) {
        const row = sqlite
          .prepare(
            `SELECT COUNT(*) AS n FROM (SELECT ${column} FROM customers WHERE merged_into IS NULL AND ${column} IS NOT NULL GROUP BY ${column} HAVING COUNT(*) > 1)`,
          )
          .get() as { n: number };
        sqlGroups += row.n;
      }
      const sqlSeconds = (performance.now() - t0) / 1000;

      const strong = search.candidates.filter((c) => c.strength === 'strong');
      const foundTwins = strong.filter((c) => c.customerIds.some((id) => id.startsWith('T'))).length;
      log(
        `search ${searchSeconds.toFixed(2)} s (load alone ${loadSeconds.toFixed(2)} s), SQL exact-key groups ${sqlSeconds.toFixed(2)} s; ` +
          `${search.candidates.length} candidates, ${strong.length} strong, ${foundTwins}/${planted} twins`,
      );

      t0 = performance.now();
      for (const candidate of strong) {
        await mergeCustomerGroup(storage, { customerIds: candidate.customerIds, actor: 'bench' });
      }
      const mergeSeconds = (performance.now() - t0) / 1000;

      return [
        {
          name: `name matching (${customers + planted} customers, SQLite)`,
          figures: {
            customers: loaded,
            search_seconds: round(searchSeconds),
            load_seconds: round(loadSeconds),
            customers_per_s: Math.round(loaded / searchSeconds),
            sql_exact_key_groups: sqlGroups,
            sql_exact_key_groups_seconds: round(sqlSeconds),
            ratio_to_sql_exact_key_groups: round(searchSeconds / sqlSeconds),
            pairs_compared: search.pairsCompared,
            candidates: search.candidates.length,
            strong_candidates: strong.length,
            planted_twins: planted,
            planted_twins_found: foundTwins,
            merges: strong.length,
            merges_per_s: strong.length === 0 ? 0 : Math.round(strong.length / mergeSeconds),
          },
          notes:
            'search = read every unmerged customer in pages + normalise + block + group; the SQL baseline ' +
            'only groups identical stored keys (no normalisation, no cross-field evidence, no near names)',
        },
      ];
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * Inserts synthetic customers with Japanese-looking names from a seeded generator, one twin
 * (written with (株) and a full-width space, same phone) per TWIN_EVERY. Returns the twins.
 */
function fillCustomers(storage: Storage, count: number): number {
  const sqlite = storage.sqlite;
  if (!sqlite) throw new Error('the name-matching benchmark runs on SQLite');
  let state = 20_260_331;
  const random = (n: number): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state >>> 8) % n;
  };
  const kana = Array.from(
    'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン',
  );
  const kanji = Array.from(
    '東西南北山川田中村木林森本上下大小高野原島井石松竹梅花鳥風月日光明和平安美春夏秋冬',
  );
  const trades = [
    '商事',
    '工業',
    '物産',
    '技研',
    'システム',
    '製作所',
    '食品',
    '電機',
    '建設',
    '化成',
    '運輸',
  ];
  const prefectures = ['東京都', '大阪府', '愛知県', '福岡県', '北海道', '宮城県', '広島県', '京都府'];
  const word = (alphabet: string[], length: number): string =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
  const insert = sqlite.prepare(
    'INSERT INTO customers (customer_id, name, name_key, kind, email, phone, prefecture) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  let twins = 0;
  const insertAll = sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const isPerson = i % 3 === 0;
      const kind = isPerson ? 'person' : 'company';
      const company = `${word(random(2) === 0 ? kana : kanji, 2 + random(5))}${trades[random(trades.length)]}`;
      const person = [word(kanji, 2), word(kanji, 1 + random(2))];
      const name = isPerson ? `${person[0]} ${person[1]}` : `株式会社${company}`;
      const email = i % 2 === 0 ? `info${i}@c${i}.co.jp` : `user${i}@gmail.com`;
      // unique per customer: area code, then i in two groups of four digits
      const phone = `0${3 + (i % 6)}-${String(Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}`;
      const prefecture = prefectures[random(prefectures.length)];
      const key = (n: string) => (isPerson ? personNameKey(n) : companyNameKey(n));
      insert.run(`S${i}`, name, key(name), kind, email, phone, prefecture);
      if (i % TWIN_EVERY === 0) {
        const twin = isPerson ? `${person[0]}　${person[1]}` : `(株)${company}`;
        insert.run(`T${i}`, twin, key(twin), kind, null, phone, prefecture);
        twins++;
      }
    }
  });
  insertAll();
  return twins;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
