import { describe, expect, it } from 'vitest';
import { CohortTally, cohortReport, purchaseQuarters, quarterIndex, quarterLabel } from './cohorts.js';

describe('quarters', () => {
  it('numbers calendar quarters and labels them', () => {
    expect(quarterIndex('2024-01-01') - quarterIndex('2023-12-31')).toBe(1);
    expect(quarterIndex('2024-03-31')).toBe(quarterIndex('2024-01-01'));
    expect(quarterIndex('2024-04-01') - quarterIndex('2024-03-31')).toBe(1);
    expect(quarterLabel(quarterIndex('2024-11-22'))).toBe('2024-Q4');
    expect(quarterLabel(quarterIndex('2021-02-03'))).toBe('2021-Q1');
  });
});

describe('purchaseQuarters', () => {
  it('gives the quarter of each purchase day from the first day and the gaps, across years and leap days', () => {
    const days = ['2023-12-30', '2024-01-02', '2024-02-29', '2024-03-01', '2024-03-31', '2024-04-01'];
    const gaps = days.slice(1).map((d, i) => (Date.parse(d) - Date.parse(days[i] as string)) / 86_400_000);
    expect(gaps).toEqual([3, 58, 1, 30, 1]);
    expect(purchaseQuarters(days[0] as string, gaps)).toEqual(days.map(quarterIndex));
    expect(purchaseQuarters('2024-02-27', [])).toEqual([quarterIndex('2024-02-27')]);
    expect(purchaseQuarters(null, [])).toEqual([]);
  });
});

/** Quarter indexes of purchase days. */
const q = (days: string[]) => days.map(quarterIndex);

describe('CohortTally', () => {
  it('puts each customer in the quarter of their first purchase and counts each later quarter once', () => {
    const tally = new CohortTally();
    // Two purchases in the acquisition quarter, one two quarters later.
    tally.add(q(['2024-01-05', '2024-02-10', '2024-07-01']), 'active');
    tally.add(q(['2024-03-31']), 'mid_dormant');
    tally.add(q(['2024-04-01', '2024-04-02']), 'lost');
    const report = cohortReport(tally.cohorts, '2024-11-22');
    expect(report.rows.map((r) => r.cohort)).toEqual(['2024-Q1', '2024-Q2']);
    const q1 = report.rows[0];
    expect(q1).toMatchObject({ customers: 2, active_now: 1, dormant_now: 1, lost_now: 0, dormant_rate: 0.5 });
    // Q1 (acquisition), Q2, Q3, Q4 (as-of quarter): everyone bought in Q1, one in Q3.
    expect(q1?.buyers_by_quarter).toEqual([2, 0, 1, 0]);
    expect(q1?.repurchase_rates).toEqual([1, 0, 0.5, 0]);
    expect(report.rows[1]).toMatchObject({ customers: 1, lost_now: 1, buyers_by_quarter: [1, 0, 0] });
    expect(report.last_quarter_partial).toBe(true);
  });

  it('leaves out customers who never bought and marks a quarter-end as-of day complete', () => {
    const tally = new CohortTally();
    tally.add([], 'never_purchased');
    expect(cohortReport(tally.cohorts, '2024-12-31')).toEqual({
      as_of: '2024-12-31',
      period: 'quarter',
      last_quarter_partial: false,
      rows: [],
    });
  });

  it('merges tallies of customer ranges into the tally of one pass', () => {
    const customers: [string[], 'active' | 'early_dormant' | 'lost'][] = [
      [['2022-05-01', '2023-01-09'], 'early_dormant'],
      [['2022-06-30', '2022-07-01', '2024-01-01'], 'active'],
      [['2023-01-01'], 'lost'],
      [['2022-04-01', '2022-04-15', '2022-10-01'], 'active'],
    ];
    const whole = new CohortTally();
    for (const [days, status] of customers) whole.add(q(days), status);
    const first = new CohortTally();
    const second = new CohortTally();
    for (const [days, status] of customers.slice(0, 2)) first.add(q(days), status);
    for (const [days, status] of customers.slice(2)) second.add(q(days), status);
    const merged = new CohortTally();
    merged.merge(first.cohorts);
    merged.merge(structuredClone(second.cohorts));
    expect(cohortReport(merged.cohorts, '2024-06-30')).toEqual(cohortReport(whole.cohorts, '2024-06-30'));
  });
});
