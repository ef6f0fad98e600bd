import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { parseSegmentFilter, type SegmentFilter } from '../../core/prioritise/segmentFilter.js';
import { type CohortReportBody, cohortsOfCurrentRun } from '../../storage/cohortQueries.js';
import type { Storage } from '../../storage/index.js';
import {
  REASON_REPORT_GROUPS,
  type ReapproachListRow,
  type ReasonReportGroup,
  type ReasonReportRow,
  reapproachList,
  reasonsReport,
} from '../../storage/reasonReportQueries.js';
import { getSegment } from '../../storage/segmentQueries.js';
import { notYetAvailable, printJson, withDatabase, withStorage } from '../context.js';

interface ReportFlags {
  db?: string;
  databaseUrl?: string;
  by?: string;
  change?: string;
  segment?: string;
  all?: boolean;
  json?: boolean;
}

/** Report kinds of SPEC's CLI contract; those not built yet say so (exit 2). */
const LATER_KINDS: Record<string, number> = { kpi: 0, lift: 0, retention: 0, diagnostic: 0 };

const yen = (n: number) => `¥${Math.round(n).toLocaleString('en-US')}`;
const pct = (r: number) => `${(r * 100).toFixed(1)} %`;

export interface ReasonsReportJson {
  by: ReasonReportGroup | null;
  segment: string | null;
  totals: { customers: number; lost_yearly_revenue_yen: number };
  rows: ReasonReportRow[];
}

export async function buildReasonsReport(
  storage: Storage,
  by: ReasonReportGroup | null,
  segmentName: string | null = null,
): Promise<ReasonsReportJson> {
  let filter: SegmentFilter | null = null;
  if (segmentName !== null) {
    const segment = await getSegment(storage, segmentName);
    if (!segment)
      throw new AppError('not_found', `segment '${segmentName}' does not exist (mezame segment list)`);
    filter = parseSegmentFilter(segment.filter);
  }
  const rows = await reasonsReport(storage, by, filter);
  return {
    by,
    segment: segmentName,
    totals: {
      customers: rows.reduce((s, r) => s + r.customers, 0),
      lost_yearly_revenue_yen: rows.reduce((s, r) => s + r.lost_yearly_revenue_yen, 0),
    },
    rows,
  };
}

function renderReasons(report: ReasonsReportJson): string {
  if (report.rows.length === 0) {
    return 'No dormant or lost customers in the last analysis: run `mezame analyze` first.\n';
  }
  const lines = [
    `Why we lose customers${report.segment ? ` (segment ${report.segment})` : ''}: ${report.totals.customers.toLocaleString('en')} dormant or lost customers, ${yen(report.totals.lost_yearly_revenue_yen)} yearly revenue`,
  ];
  let group: string | null | undefined;
  for (const r of report.rows) {
    if (report.by !== null && r.group !== group) {
      group = r.group;
      lines.push('', `${report.by}: ${group ?? '(none)'}`);
    } else if (group === undefined) {
      group = null;
      lines.push('');
    }
    lines.push(
      `  ${r.reason.padEnd(13)} ${String(r.customers).padStart(6)} customers (${pct(r.customer_share).padStart(7)})  ${yen(r.lost_yearly_revenue_yen).padStart(14)} a year (${pct(r.revenue_share)})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderReapproach(rows: ReapproachListRow[]): string {
  if (rows.length === 0) {
    return 'No customer is flagged "reason resolved": record a resolved product issue or a price decrease (changes) and run `mezame analyze`.\n';
  }
  const lines = [`Reason resolved — ready for a win-back (改善のご報告): ${rows.length} customers`, ''];
  lines.push('customer_id\tstatus\trank\tchange\treason\tEV\twhy');
  for (const r of rows) {
    lines.push(
      [
        r.customer_id,
        r.status ?? '-',
        r.rank ?? '-',
        r.change_id,
        `${r.reason_category}${r.is_theme_confirmed ? '' : ' (theme unconfirmed)'}`,
        r.expected_value === null ? '-' : yen(r.expected_value),
        r.line,
      ].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Quarters since acquisition shown as columns in the terminal (the JSON has them all). */
const COHORT_COLUMNS = 8;

function renderCohorts(report: CohortReportBody | null): string {
  if (report === null || report.rows.length === 0) {
    return 'No purchases in the last analysis: run `mezame analyze` first.\n';
  }
  const head = [
    'cohort',
    'customers',
    'dormant',
    'lost',
    ...Array.from({ length: COHORT_COLUMNS }, (_, k) => `Q+${k}`),
  ];
  const lines = [
    `Acquisition cohorts (as of ${report.as_of}): share of each cohort that bought again in each quarter after its first purchase${report.last_quarter_partial ? '; the as-of quarter is still running' : ''}`,
    '',
    head.join('\t'),
  ];
  for (const r of report.rows) {
    const rates = r.repurchase_rates.slice(0, COHORT_COLUMNS).map((v) => `${Math.round(v * 100)}%`);
    lines.push(
      [
        r.cohort,
        r.customers,
        pct(r.dormant_rate),
        pct(r.customers ? r.lost_now / r.customers : 0),
        ...rates,
      ].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

function parseBy(value: string | undefined): ReasonReportGroup | null {
  if (value === undefined) return null;
  if ((REASON_REPORT_GROUPS as readonly string[]).includes(value)) return value as ReasonReportGroup;
  throw new AppError(
    'invalid_input',
    `--by: expected one of ${REASON_REPORT_GROUPS.join(', ')}; got '${value}'`,
  );
}

/** `mezame report reasons|reapproach`: why customers are lost, and who a fixed problem brings back. */
export function registerReport(program: Command): void {
  const command = program
    .command('report <kind>')
    .description(
      'reasons (why we lose customers) | reapproach (reason resolved) | cohort (acquisition cohorts); kpi, lift… later',
    )
    .option('--by <group>', `reasons: split by ${REASON_REPORT_GROUPS.join(' | ')}`)
    .option('--segment <name>', 'reasons: only the customers of a saved segment')
    .option('--change <id>', 'reapproach: only customers flagged for this change')
    .option('--all', 'reapproach: include flagged customers who are no longer dormant')
    .option('--json', 'print one JSON document on stdout')
    .allowUnknownOption();
  withDatabase(command).action(async (kind: string, flags: ReportFlags) => {
    if (kind in LATER_KINDS) notYetAvailable(`\`mezame report ${kind}\``, LATER_KINDS[kind] ?? 0);
    if (kind !== 'reasons' && kind !== 'reapproach' && kind !== 'cohort') {
      throw new AppError(
        'invalid_input',
        `report: unknown kind '${kind}'; expected reasons, reapproach, cohort, ${Object.keys(LATER_KINDS).join(', ')}`,
      );
    }
    const by = parseBy(flags.by);
    await withStorage(flags, async (storage) => {
      if (kind === 'cohort') {
        const report = await cohortsOfCurrentRun(storage, null);
        if (flags.json) printJson(report ?? { rows: [] });
        else process.stdout.write(renderCohorts(report));
        return;
      }
      if (kind === 'reasons') {
        const report = await buildReasonsReport(storage, by, flags.segment ?? null);
        if (flags.json) printJson(report);
        else process.stdout.write(renderReasons(report));
        return;
      }
      const rows = await reapproachList(storage, { changeId: flags.change, includeReturned: flags.all });
      if (flags.json) printJson({ customers: rows.length, rows });
      else process.stdout.write(renderReapproach(rows));
    });
  });
}
