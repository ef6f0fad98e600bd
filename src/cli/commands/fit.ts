import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { fitBgnbd, type SummaryRow, summaryHistogram, summaryRowProblem } from '../../core/detect/bgnbd.js';
import { AppError } from '../../core/errors.js';
import { printJson } from '../context.js';

interface FitBgnbdFlags {
  summary: string;
  json?: boolean;
}

/** Accepted header names per model input, first the canonical one (lifetimes'), then the paper's. */
const COLUMN_NAMES = {
  frequency: ['frequency', 'x'],
  recency: ['recency', 't_x'],
  T: ['T'],
} as const;
type SummaryColumn = keyof typeof COLUMN_NAMES;

/** Bad rows listed in one error before the rest are only counted. */
const MAX_LISTED_PROBLEMS = 10;

/**
 * `mezame fit bgnbd --summary FILE [--json]`: fits the BG/NBD model (Fader, Hardie & Lee 2005)
 * on a per-customer summary CSV and prints r, α, a, b and the log-likelihood.
 */
export function registerFit(program: Command): void {
  const fit = program.command('fit').description('fit a model on a summary file (models: bgnbd)');
  fit
    .command('bgnbd')
    .description(
      'fit the BG/NBD model; FILE is CSV with columns frequency,recency,T (or x,t_x,T), one row per customer, any time unit',
    )
    .requiredOption(
      '--summary <file>',
      'CSV with a header row: frequency,recency,T (extra columns are ignored)',
    )
    .option('--json', 'print one JSON document on stdout')
    .action(async (flags: FitBgnbdFlags) => {
      const rows = await readSummaryFile(flags.summary);
      const result = fitBgnbd(summaryHistogram(rows));
      const { r, alpha, a, b } = result.params;
      if (flags.json) {
        printJson({ r, alpha, a, b, log_likelihood: result.logLikelihood, customers: result.customers });
        return;
      }
      const lines = [
        `BG/NBD fit on ${result.customers.toLocaleString('en-US')} customers ` +
          `(${result.distinctRows.toLocaleString('en-US')} distinct (x, t_x, T) rows, ${result.iterations} iterations)`,
        `  r               ${r.toPrecision(7)}`,
        `  alpha           ${alpha.toPrecision(7)}   (in the file's time unit)`,
        `  a               ${a.toPrecision(7)}`,
        `  b               ${b.toPrecision(7)}`,
        `  log-likelihood  ${result.logLikelihood.toFixed(4)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/**
 * Reads the summary CSV. Rows are numbered as a spreadsheet shows them (header = row 1); every
 * problem names its row and column, and nothing is fitted if any row is bad.
 */
export async function readSummaryFile(file: string): Promise<SummaryRow[]> {
  try {
    await access(file);
  } catch {
    throw new AppError('invalid_input', `Cannot read the summary file '${file}'. Check the path.`);
  }
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }),
  );
  const rows: SummaryRow[] = [];
  const problems: string[] = [];
  let problemCount = 0;
  let columns: Record<SummaryColumn, number> | null = null;
  let rowNumber = 0;
  const report = (message: string) => {
    problemCount++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(message);
  };
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber++;
      if (columns === null) {
        columns = locateColumns(record);
        continue;
      }
      const values = {} as Record<SummaryColumn, number>;
      let ok = true;
      for (const column of Object.keys(COLUMN_NAMES) as SummaryColumn[]) {
        const raw = record[columns[column]] ?? '';
        const value = raw === '' ? Number.NaN : Number(raw);
        if (!Number.isFinite(value)) {
          report(`row ${rowNumber}, column ${headerName(column)}: expected a number, got '${raw}'`);
          ok = false;
        }
        values[column] = value;
      }
      if (!ok) continue;
      const row = { frequency: values.frequency, recency: values.recency, T: values.T };
      const problem = summaryRowProblem(row);
      if (problem !== null) {
        report(`row ${rowNumber}, column ${columnOfProblem(problem)}: ${problem}`);
        continue;
      }
      rows.push(row);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid_input', `Cannot parse '${file}' as CSV: ${message}`, { cause: error });
  }
  if (columns === null) {
    throw new AppError(
      'invalid_input',
      `The summary file '${file}' is empty; expected a header row frequency,recency,T and one row per customer.`,
    );
  }
  if (problemCount > 0) {
    const more = problemCount > problems.length ? `\n  … and ${problemCount - problems.length} more` : '';
    throw new AppError(
      'invalid_input',
      `${problemCount} row(s) of '${file}' cannot be used; nothing was fitted:\n  ${problems.join('\n  ')}${more}`,
    );
  }
  return rows;
}

function headerName(column: SummaryColumn): string {
  return COLUMN_NAMES[column][0];
}

function columnOfProblem(problem: string): string {
  if (problem.startsWith('frequency')) return 'frequency';
  if (problem.startsWith('recency')) return 'recency';
  return 'T';
}

function locateColumns(header: string[]): Record<SummaryColumn, number> {
  const found = {} as Record<SummaryColumn, number>;
  const missing: string[] = [];
  for (const column of Object.keys(COLUMN_NAMES) as SummaryColumn[]) {
    const names: readonly string[] = COLUMN_NAMES[column];
    const index = header.findIndex((h) => names.includes(h));
    if (index === -1) missing.push(names.join(' or '));
    else found[column] = index;
  }
  if (missing.length > 0) {
    throw new AppError(
      'invalid_input',
      `The summary header (row 1) lacks ${missing.join(', ')}; found ${header.map((h) => `'${h}'`).join(', ')}. ` +
        'Expected frequency,recency,T (or x,t_x,T): repeat purchases, time of the last purchase and ' +
        'age of the customer, both measured from the first purchase.',
    );
  }
  return found;
}
