import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cdnowDir, cdnowSummaryFile } from '../../../test/cdnow.js';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';

const mezame = (args: string[]): Promise<Run> => runMezame(args);

describe('mezame fit bgnbd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mezame-fit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('prints the CDNOW estimates as one JSON document', async () => {
    const run = await mezame(['fit', 'bgnbd', '--summary', cdnowSummaryFile, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, number>;
    expect(Object.keys(out).sort()).toEqual(['a', 'alpha', 'b', 'customers', 'log_likelihood', 'r']);
    expect(out.r).toBeCloseTo(0.2425929, 5);
    expect(out.alpha).toBeCloseTo(4.413532, 4);
    expect(out.a).toBeCloseTo(0.792886, 5);
    expect(out.b).toBeCloseTo(2.425752, 4);
    expect(Math.abs((out.log_likelihood ?? 0) + 9582.4256)).toBeLessThan(0.01);
    expect(out.customers).toBe(2357);
  });

  it("accepts the paper's x,t_x,T header with extra columns and CRLF line ends", async () => {
    const withSpend = resolve(cdnowDir, 'cdnow_customers_summary_with_transactions.csv');
    const run = await mezame(['fit', 'bgnbd', '--summary', withSpend, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { r: number }).r).toBeCloseTo(0.2425929, 5);
  });

  it('prints the parameters and the log-likelihood for a person', async () => {
    const run = await mezame(['fit', 'bgnbd', '--summary', cdnowSummaryFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2,357 customers');
    expect(run.stdout).toMatch(/alpha\s+4\.41353/);
    expect(run.stdout).toMatch(/log-likelihood\s+-9582\.42/);
  });

  it('names the row and column of every bad value and fits nothing (exit 2)', async () => {
    const bad = file(
      'bad.csv',
      'customer,frequency,recency,T\nA,1,2,3\nB,two,2,3\nC,1,5,3\nD,1.5,1,3\nE,1,,3\n',
    );
    const run = await mezame(['fit', 'bgnbd', '--summary', bad, '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("row 3, column frequency: expected a number, got 'two'");
    expect(run.stderr).toContain('row 4, column recency: recency (t_x) must not exceed T');
    expect(run.stderr).toContain('row 5, column frequency: frequency (x) must be a whole number');
    expect(run.stderr).toContain("row 6, column recency: expected a number, got ''");
  });

  it('says which columns are missing from the header', async () => {
    const run = await mezame(['fit', 'bgnbd', '--summary', file('cols.csv', 'id,frequency,age\n1,0,3\n')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('lacks recency or t_x, T');
  });

  it('explains an empty file, a missing file and data without repeat buyers', async () => {
    const empty = await mezame(['fit', 'bgnbd', '--summary', file('empty.csv', '')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('is empty');
    const missing = await mezame(['fit', 'bgnbd', '--summary', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read the summary file');
    const oneTime = await mezame([
      'fit',
      'bgnbd',
      '--summary',
      file('zeros.csv', 'frequency,recency,T\n0,0,10\n0,0,12\n'),
    ]);
    expect(oneTime.code).toBe(2);
    expect(oneTime.stderr).toContain('None of the 2 customers has a repeat purchase');
  });
});
