/**
 * Reason recovery on the demo company: how often the analysis finds the reason the demo planted
 * (truth.csv, hidden from the analysis) for the dormant and lost customers.
 *
 *   npx mezame demo --no-serve --db /tmp/demo.db --as-of 2026-11-22
 *   npx tsx scripts/reasonRecovery.ts /tmp/demo.db [/tmp/demo-data/truth.csv] [--json]
 *
 * Prints, per planted reason, the customers diagnosed, how many got that reason as primary
 * (recall), and what the others got instead; overall recovery is over every planted reason
 * except `other` (which has no evidence by construction), and the precision of each inferred
 * category over the diagnosed planted customers.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const args = process.argv.slice(2).filter((a) => a !== '--json');
const asJson = process.argv.includes('--json');
const dbFile = args[0] ?? 'mezame.db';
const truthFile = args[1] ?? join(dirname(dbFile), 'demo-data', 'truth.csv');

const lines = readFileSync(truthFile, 'utf8').trim().split('\n');
const header = (lines[0] ?? '').split(',');
const col = (name: string) => header.indexOf(name);
const planted = new Map<string, string>();
for (const line of lines.slice(1)) {
  const cells = line.split(',');
  const archetype = cells[col('archetype')];
  const reason = cells[col('planted_reason')];
  if ((archetype === 'dormant' || archetype === 'lost') && reason)
    planted.set(cells[col('customer_id')] ?? '', reason);
}

const db = new BetterSqlite3(dbFile, { readonly: true });
const rows = db
  .prepare(
    'SELECT customer_id, status, reason_category FROM customer_state WHERE reason_category IS NOT NULL',
  )
  .all() as { customer_id: string; status: string; reason_category: string }[];
db.close();

const byReason = new Map<string, { diagnosed: number; hit: number; got: Record<string, number> }>();
const inferredTotals: Record<string, { n: number; right: number }> = {};
for (const row of rows) {
  const truth = planted.get(row.customer_id);
  if (!truth) continue;
  const entry = byReason.get(truth) ?? { diagnosed: 0, hit: 0, got: {} };
  entry.diagnosed++;
  if (row.reason_category === truth) entry.hit++;
  entry.got[row.reason_category] = (entry.got[row.reason_category] ?? 0) + 1;
  byReason.set(truth, entry);
  const t = inferredTotals[row.reason_category] ?? { n: 0, right: 0 };
  t.n++;
  if (row.reason_category === truth) t.right++;
  inferredTotals[row.reason_category] = t;
}
let diagnosed = 0;
let hit = 0;
for (const [reason, e] of byReason) {
  if (reason === 'other') continue;
  diagnosed += e.diagnosed;
  hit += e.hit;
}
const result = {
  planted: planted.size,
  overall: { diagnosed, recovered: hit, rate: diagnosed ? Math.round((hit / diagnosed) * 1000) / 1000 : 0 },
  by_reason: Object.fromEntries(
    [...byReason].sort().map(([r, e]) => [
      r,
      {
        diagnosed: e.diagnosed,
        recovered: e.hit,
        rate: Math.round((e.hit / e.diagnosed) * 1000) / 1000,
        got: e.got,
      },
    ]),
  ),
  precision: Object.fromEntries(
    Object.entries(inferredTotals)
      .sort()
      .map(([c, t]) => [
        c,
        { inferred: t.n, right: t.right, rate: Math.round((t.right / t.n) * 1000) / 1000 },
      ]),
  ),
};
if (asJson) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  const out = [
    `Reason recovery (planted dormant/lost customers diagnosed, 'other' excluded): ${hit}/${diagnosed} = ${pct(result.overall.rate)}`,
  ];
  for (const [r, e] of Object.entries(result.by_reason)) {
    const got = Object.entries(e.got)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    out.push(
      `  ${r.padEnd(13)} ${String(e.recovered).padStart(4)}/${String(e.diagnosed).padEnd(4)} ${pct(e.rate).padStart(7)}   ${got}`,
    );
  }
  out.push('Precision of each inferred category:');
  for (const [c, t] of Object.entries(result.precision))
    out.push(
      `  ${c.padEnd(13)} ${String(t.right).padStart(4)}/${String(t.inferred).padEnd(4)} ${pct(t.rate).padStart(7)}`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
}
