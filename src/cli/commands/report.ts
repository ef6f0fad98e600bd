import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { DEFAULT_ATTRIBUTION_DAYS, type KpiRow } from '../../core/measure/kpi.js';
import { parseSegmentFilter, type SegmentFilter } from '../../core/prioritise/segmentFilter.js';
import { type CohortReportBody, cohortsOfCurrentRun } from '../../storage/cohortQueries.js';
import type { Storage } from '../../storage/index.js';
import {
  KPI_GROUPINGS,
  type KpiGrouping,
  type KpiReportBody,
  kpiReportOf,
  type LiftReportBody,
  liftReport,
} from '../../storage/kpiQueries.js';
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
  from?: string;
  to?: string;
  asOf?: string;
  journey?: string;
}

/** Report kinds of SPEC's CLI contract; those not built yet say so (exit 2). */
const LATER_KINDS: Record<string, number> = { retention: 0, diagnostic: 0 };

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

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (ISO_DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return value;
  throw new AppError('invalid_input', `${flag}: expected a day like 2026-01-31; got '${value}'`);
}

function parseKpiBy(value: string | undefined): KpiGrouping {
  if (value === undefined) return 'channel';
  if ((KPI_GROUPINGS as readonly string[]).includes(value)) return value as KpiGrouping;
  throw new AppError('invalid_input', `--by: expected one of ${KPI_GROUPINGS.join(', ')}; got '${value}'`);
}

const rateText = (r: number | null) => (r === null ? '—' : pct(r));
const yenText = (n: number | null) => (n === null ? '—' : yen(n));

function kpiLine(r: KpiRow): string {
  return [
    r.group,
    r.targeted,
    r.approached,
    r.held,
    rateText(r.contact_rate),
    rateText(r.reach_rate),
    rateText(r.response_rate),
    rateText(r.appointment_rate),
    `${r.reactivated} (${rateText(r.reactivation_rate)})`,
    yen(r.revenue_yen),
    yenText(r.average_order_value_yen),
    yen(r.gross_profit_yen),
    yen(r.cost_yen),
    yenText(r.cost_per_reactivation_yen),
    r.roi === null ? '—' : `${Math.round(r.roi * 100)} %`,
    rateText(r.retention_90d_rate),
  ].join('\t');
}

function renderKpi(report: KpiReportBody): string {
  if (report.total.targeted === 0) {
    return 'No messages or logged calls and visits in this period: start a journey (mezame journey enable) or log task outcomes.\n';
  }
  const period = `${report.from ?? 'the start'} – ${report.to ?? report.as_of}`;
  const lines = [
    `KPI by ${report.by}, messages and tasks of ${period}; reactivated = an order within ${report.attribution_days} days of the first touch; gross profit = the order's margin, else ${Math.round(report.default_margin_rate * 100)} % of revenue (assumed)`,
    '',
    [
      report.by,
      'targeted',
      'approached',
      'held',
      'contact',
      'reach',
      'response',
      'appointment',
      'reactivated',
      'revenue',
      'avg order',
      'gross profit',
      'cost',
      'cost/reactivation',
      'ROI',
      'retained 90d',
    ].join('\t'),
    ...report.rows.map(kpiLine),
    kpiLine(report.total),
  ];
  if (report.total.held > 0) {
    lines.push(
      '',
      `${report.total.held} customers had only held messages (no transport configured): they are not counted as approached.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderLift(report: LiftReportBody): string {
  if (report.journeys.length === 0) {
    return 'No journey with a holdout or split step: add `{ type: holdout, percent: 10 }` to a journey to measure its lift.\n';
  }
  const lines = [
    `Incremental lift: reactivated within ${report.window_days} days of entering, treated vs held out (95 % interval: Newcombe hybrid score)`,
  ];
  for (const j of report.journeys) {
    lines.push(
      '',
      `${j.journey_id}: treated ${j.treated.reactivated}/${j.treated.customers} (${rateText(j.treated.rate)}), held out ${j.holdout.reactivated}/${j.holdout.customers} (${rateText(j.holdout.rate)})`,
    );
    if (j.lift) {
      lines.push(
        `  lift ${(j.lift.difference * 100).toFixed(1)} points [${(j.lift.ci95_low * 100).toFixed(1)}, ${(j.lift.ci95_high * 100).toFixed(1)}] — ${j.lift.is_significant ? 'significant' : 'not significant'} (p = ${j.lift.p_value === null ? '—' : j.lift.p_value.toFixed(3)}); about ${Math.round(j.incremental_reactivations ?? 0)} reactivations the journey added`,
      );
    } else {
      lines.push('  no lift yet: no customers on one side');
    }
    for (const v of j.variants)
      lines.push(`  variant ${v.variant}: ${v.reactivated}/${v.customers} (${rateText(v.rate)})`);
    for (const c of j.variant_comparisons) {
      lines.push(
        `  ${c.variant} vs ${c.against}: ${(c.difference * 100).toFixed(1)} points [${(c.ci95_low * 100).toFixed(1)}, ${(c.ci95_high * 100).toFixed(1)}], p = ${c.p_value === null ? '—' : c.p_value.toFixed(3)}${c.is_significant ? ' (significant)' : ''}`,
      );
    }
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
      'reasons (why we lose customers) | reapproach (reason resolved) | cohort (acquisition cohorts) | kpi (ladder and ROI) | lift (vs holdout)',
    )
    .option(
      '--by <group>',
      `reasons: split by ${REASON_REPORT_GROUPS.join(' | ')}; kpi: ${KPI_GROUPINGS.join(' | ')} (default channel)`,
    )
    .option('--from <day>', 'kpi: messages created (tasks logged) from this day')
    .option('--to <day>', 'kpi: … up to this day (included)')
    .option('--as-of <day>', 'kpi, lift: the report as of this day (default today)')
    .option('--journey <id>', 'lift: only this journey')
    .option('--segment <name>', 'reasons: only the customers of a saved segment')
    .option('--change <id>', 'reapproach: only customers flagged for this change')
    .option('--all', 'reapproach: include flagged customers who are no longer dormant')
    .option('--json', 'print one JSON document on stdout')
    .allowUnknownOption();
  withDatabase(command).action(async (kind: string, flags: ReportFlags) => {
    if (kind in LATER_KINDS) notYetAvailable(`\`mezame report ${kind}\``, LATER_KINDS[kind] ?? 0);
    if (!['reasons', 'reapproach', 'cohort', 'kpi', 'lift'].includes(kind)) {
      throw new AppError(
        'invalid_input',
        `report: unknown kind '${kind}'; expected reasons, reapproach, cohort, kpi, lift, ${Object.keys(LATER_KINDS).join(', ')}`,
      );
    }
    if (kind === 'kpi' || kind === 'lift') {
      const asOf = parseDay('--as-of', flags.asOf) ?? new Date().toISOString().slice(0, 10);
      if (kind === 'kpi') {
        const request = {
          by: parseKpiBy(flags.by),
          from: parseDay('--from', flags.from),
          to: parseDay('--to', flags.to),
          asOf,
          scope: null,
        };
        if (request.from !== null && request.to !== null && request.from > request.to) {
          throw new AppError('invalid_input', `--from ${request.from} is after --to ${request.to}`);
        }
        await withStorage(flags, async (storage) => {
          const report = await kpiReportOf(storage, request);
          if (flags.json) printJson(report);
          else process.stdout.write(renderKpi(report));
        });
        return;
      }
      await withStorage(flags, async (storage) => {
        const report = await liftReport(storage, {
          journeyId: flags.journey ?? null,
          asOf,
          scope: null,
          windowDays: DEFAULT_ATTRIBUTION_DAYS,
        });
        if (flags.journey && report.journeys.length === 0) {
          throw new AppError(
            'not_found',
            `journey '${flags.journey}' does not exist or has no holdout or split step (mezame journey list)`,
          );
        }
        if (flags.json) printJson(report);
        else process.stdout.write(renderLift(report));
      });
      return;
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
