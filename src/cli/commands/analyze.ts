import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { customerJson } from '../../analysis/customerJson.js';
import { detectModels } from '../../analysis/detectModels.js';
import { diagnosisLines } from '../../analysis/diagnoseAndPrioritise.js';
import { type AnalysisProgress, type AnalysisSummary, runAnalysis } from '../../analysis/runAnalysis.js';
import { LIFECYCLE_STATUSES } from '../../core/detect/lifecycleStatus.js';
import { customerStates } from '../../storage/analysisQueries.js';
import type { Storage } from '../../storage/index.js';
import { withDatabase, withStorage } from '../context.js';

interface AnalyzeFlags {
  db?: string;
  databaseUrl?: string;
  asOf?: string;
  json?: boolean;
  out?: string;
}

/** Today in the machine's local calendar: the default as-of day. */
function today(): string {
  const d = new Date();
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `mezame analyze`: recompute features, statuses and health; print a summary or JSON. */
export function registerAnalyze(program: Command): void {
  const command = program
    .command('analyze')
    .description('recompute features, statuses, reasons and scores; print a summary')
    .option('--as-of <day>', 'analyse as if this day (YYYY-MM-DD) were today; nothing after it counts')
    .option('--json', 'print {"summary": {...}, "customers": [...]}')
    .option('--out <dir>', 'also write one CSV per status into this directory');
  withDatabase(command).action(async (flags: AnalyzeFlags) => {
    const asOf = flags.asOf ?? today();
    await withStorage(flags, async (storage) => {
      const { summary } = await runAnalysis(storage, {
        asOf,
        models: detectModels,
        onProgress: progressPrinter(),
      });
      if (flags.out) await writeStatusCsvs(storage, flags.out);
      if (flags.json) await printAnalysisJson(storage, summary);
      else process.stdout.write(renderSummary(summary, flags.out));
    });
  });
}

function progressPrinter(): (p: AnalysisProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 2_000 && p.done < p.total) return;
    last = now;
    process.stderr.write(
      `analyze: ${p.phase} ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')}\n`,
    );
  };
}

/** Streams the one JSON document, customer by customer (a million customers do not fit in one string). */
async function printAnalysisJson(storage: Storage, summary: AnalysisSummary): Promise<void> {
  const out = process.stdout;
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (out.write(text)) resolve();
      else out.once('drain', resolve).once('error', reject);
    });
  await write(`{"summary": ${JSON.stringify(summary)}, "customers": [`);
  let first = true;
  for await (const page of customerStates(storage)) {
    const parts = page.map((row) => JSON.stringify(customerJson(row)));
    await write(`${first ? '\n' : ',\n'}${parts.join(',\n')}`);
    first = false;
  }
  await write('\n]}\n');
}

const CSV_COLUMNS = [
  'customer_id',
  'status',
  'status_since',
  'owner',
  'last_purchase_day',
  'days_since_last_purchase',
  'purchase_cycle_days',
  'cycle_source',
  'overdue_ratio',
  'p_alive',
  'expected_purchases_90d',
  'health_score',
  'health_level',
  'gap_alert',
  'yearly_value_yen',
  'total_spend_yen',
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV per status (status.csv), UTF-8 with a header row. */
async function writeStatusCsvs(storage: Storage, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const files = new Map(
    LIFECYCLE_STATUSES.map((s) => {
      const stream = createWriteStream(join(dir, `${s}.csv`), { encoding: 'utf8' });
      stream.write(`${CSV_COLUMNS.join(',')}\n`);
      return [s as string, stream];
    }),
  );
  for await (const page of customerStates(storage)) {
    for (const row of page) {
      const line = CSV_COLUMNS.map((c) => csvCell(row[c])).join(',');
      files.get(row.status)?.write(`${line}\n`);
    }
  }
  await Promise.all(
    [...files.values()].map(
      (s) =>
        new Promise<void>((resolve, reject) =>
          s.end((error?: Error | null) => (error ? reject(error) : resolve())),
        ),
    ),
  );
}

const STATUS_LABELS: Record<string, string> = {
  active: 'active (アクティブ)',
  at_risk: 'at risk (要注意)',
  early_dormant: 'early dormant (初期休眠)',
  mid_dormant: 'mid dormant (中期休眠)',
  long_dormant: 'long dormant (長期休眠)',
  reactivating: 'reactivating (再活性化中)',
  reactivated: 'reactivated (復活)',
  lost: 'lost (離反)',
  never_purchased: 'never purchased',
};

function yen(value: number): string {
  return `¥${Math.round(value).toLocaleString('en')}`;
}

export function renderSummary(s: AnalysisSummary, outDir?: string): string {
  const lines: string[] = [];
  lines.push(
    `Analysis as of ${s.as_of} (run ${s.run_id}): ${s.customers.toLocaleString('en')} customers in ${s.seconds} s (aggregate ${s.phase_seconds.aggregate} s, fit ${s.phase_seconds.fit} s, decide and write ${s.phase_seconds.decide} s, storing ${s.phase_seconds.write} s, indexes and commit ${s.phase_seconds.index} s)`,
  );
  if (s.previous_run) lines.push(`Compared with run ${s.previous_run.run_id} as of ${s.previous_run.as_of}`);
  lines.push('');
  lines.push('Status                         customers   change');
  for (const status of LIFECYCLE_STATUSES) {
    const change = s.status_changes ? s.status_changes[status] : null;
    const changeText = change === null ? '' : change > 0 ? `+${change}` : String(change);
    lines.push(
      `  ${STATUS_LABELS[status]?.padEnd(28)} ${String(s.statuses[status]).padStart(9)}   ${changeText}`,
    );
  }
  lines.push('');
  if (s.previous_run) {
    lines.push(
      `Since the last run: ${s.newly_dormant} newly dormant, ${s.newly_reactivating} came back, ${s.newly_lost} newly lost`,
    );
  }
  const h = s.health_levels;
  lines.push(
    `Early warning (buying customers): ${h.caution} caution, ${h.warning} warning, ${h.danger} danger; ${s.gap_alerts} with a gap > cycle alert`,
  );
  if (s.at_risk_head.length > 0) {
    lines.push('At risk, lowest health first:');
    for (const c of s.at_risk_head) {
      lines.push(
        `  ${c.customer_id.padEnd(14)} health ${String(c.health_score ?? '-').padStart(3)}  ${c.days_since_last_purchase ?? '-'} days since last purchase, ${c.overdue_ratio === null ? '-' : c.overdue_ratio.toFixed(1)}× its cycle`,
      );
    }
  }
  lines.push('');
  const b = s.bgnbd;
  if (b.fitted && b.params) {
    lines.push(
      `BG/NBD on ${b.customers.toLocaleString('en')} customers: r=${b.params.r.toFixed(3)} α=${b.params.alpha.toFixed(3)} a=${b.params.a.toFixed(3)} b=${b.params.b.toFixed(3)}; median P(alive) ${b.p_alive_median?.toFixed(2) ?? '-'}`,
    );
    lines.push(
      `  P(alive): ${b.p_alive_histogram.map((bin) => `${bin.from.toFixed(1)}–${bin.to.toFixed(1)}: ${bin.customers}`).join(', ')}`,
    );
  } else {
    lines.push(`BG/NBD not fitted: ${b.reason ?? 'no data'} (p_alive and expected_purchases_90d are empty)`);
  }
  const o = s.opportunity;
  lines.push('');
  lines.push(
    `Opportunity: ${o.dormant_customers.toLocaleString('en')} dormant customers × ${yen(o.average_yearly_value_yen)} average yearly value × ${Math.round(o.reactivation_rate * 100)} % ≈ ${yen(o.estimated_yen)} a year`,
  );
  lines.push(`  assumptions: ${o.assumptions}`);
  if (s.history_skipped) {
    lines.push(
      'Note: this as-of day is earlier than the latest run, so the status history was left unchanged.',
    );
  }
  lines.push(...diagnosisLines(s as Parameters<typeof diagnosisLines>[0]));
  if (outDir) lines.push(`CSV per status written to ${outDir}`);
  return `${lines.join('\n')}\n`;
}
