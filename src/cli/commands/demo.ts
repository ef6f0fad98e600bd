import { type Command, Option } from 'commander';
import { detectModels } from '../../analysis/detectModels.js';
import { type AnalysisSummary, runAnalysis } from '../../analysis/runAnalysis.js';
import { AppError } from '../../core/errors.js';
import { type DemoKind, type DemoSummary, runDemo } from '../../demo/index.js';
import { type DemoJourneysResult, startDemoJourneys } from '../../journeys/demoJourneys.js';
import { startServer } from '../../server/index.js';
import { openFromFlags, printJson, withDatabase } from '../context.js';
import { renderSummary as renderAnalysisSummary } from './analyze.js';

interface DemoFlags {
  db?: string;
  databaseUrl?: string;
  customers?: string;
  seed: string;
  kind: DemoKind;
  asOf?: string;
  out?: string;
  port?: string;
  serve: boolean;
  json?: boolean;
}

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('generate a realistic demo company, import it, analyse it, serve the app')
    .option('--customers <n>', 'number of customers (default 2000 for b2b, 3000 for ec)')
    .option('--seed <n>', 'random seed: the same seed, as-of date and size give identical data', '1')
    .addOption(
      new Option('--kind <kind>', 'B2B supplier or e-commerce shop').choices(['b2b', 'ec']).default('b2b'),
    )
    .option('--as-of <date>', "the demo's last day (YYYY-MM-DD, before today); default yesterday")
    .option('--out <dir>', 'where the CSV files go (default: demo-data beside the database file)')
    .option('--port <port>', 'port of the web app')
    .option('--no-serve', 'only generate and import; do not start the web app')
    .option('--json', 'print one JSON document on stdout');
  withDatabase(command).action(async (flags: DemoFlags) => {
    const summary = await runDemo({
      dbFile: flags.db,
      databaseUrl: flags.databaseUrl,
      customers: flags.customers === undefined ? undefined : wholeNumber('--customers', flags.customers),
      seed: wholeNumber('--seed', flags.seed),
      kind: flags.kind,
      asOf: flags.asOf,
      outDir: flags.out,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const storage = await openFromFlags(flags);
    let analysis: AnalysisSummary;
    let journeys: DemoJourneysResult;
    try {
      ({ summary: analysis } = await runAnalysis(storage, {
        asOf: summary.generated.as_of,
        models: detectModels,
        onProgress: (p) => {
          if (p.done === p.total) process.stderr.write(`analyze: ${p.phase} ${p.total}\n`);
        },
      }));
      journeys = await startDemoJourneys(storage, new Date());
    } catch (error) {
      await storage.close();
      throw error;
    }
    if (flags.json) printJson({ ...summary, analysis, journeys, served: flags.serve });
    else {
      process.stdout.write(renderSummary(summary));
      process.stdout.write(`\n${renderAnalysisSummary(analysis)}`);
      process.stdout.write(`\n${renderDemoJourneys(journeys)}`);
    }
    if (!flags.serve) {
      await storage.close();
      if (!flags.json)
        process.stdout.write(
          `\nNext:\n${nextSteps(flags)
            .map((n) => `  ${n}`)
            .join('\n')}\n`,
        );
      return;
    }
    const port = flags.port === undefined ? 3000 : wholeNumber('--port', flags.port);
    const server = await startServer({ storage, port, config: { logLevel: 'warn' } });
    process.stderr.write('Press Ctrl+C to stop.\n');
    await new Promise<void>((resolve) => server.app.server.once('close', () => resolve()));
  });
}

function renderDemoJourneys({ journeys, run }: DemoJourneysResult): string {
  const started = journeys.map((j) => `${j.id} ${j.enrolled}`).join(', ');
  return [
    `Journeys enabled and started on today's dormant customers: ${started}.`,
    `Messages in the outbox: ${run.queued} queued now (held ${run.held}, deferred ${run.deferred}, suppressed ${run.suppressed}); call tasks: ${run.tasks}.`,
    "Nothing is sent from the demo: messages wait in the outbox (the app's Outbox, 送信トレイ).",
    '',
  ].join('\n');
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new AppError('invalid_input', `${flag} must be a whole number, got '${value}'`);
  }
  return n;
}

function nextSteps(flags: DemoFlags): string[] {
  const target = flags.databaseUrl ? '--database-url <url>' : `--db ${flags.db ?? 'mezame.db'}`;
  const asOf = flags.asOf ? ` --as-of ${flags.asOf}` : '';
  return [
    `mezame analyze ${target}${asOf}`,
    `mezame serve ${target}${flags.port ? ` --port ${flags.port}` : ''}`,
  ];
}

function renderSummary(s: DemoSummary): string {
  const g = s.generated;
  const lines = [
    `Demo company: ${g.company} (${g.kind === 'b2b' ? 'B2B supplier' : 'e-commerce shop'}), seed ${g.seed}, as of ${g.as_of}`,
    `Database: ${s.database}`,
    `Files in ${g.out_dir} (generated in ${s.seconds.generate} s, imported in ${s.seconds.import} s):`,
  ];
  for (const [file, info] of Object.entries(g.files)) {
    const imported = s.imported[file as keyof DemoSummary['imported']];
    lines.push(
      `  ${`${file}.csv`.padEnd(18)} ${String(info.rows).padStart(10)} rows${imported ? `, ${imported.accepted} imported` : ' (hidden answer key, not imported)'}`,
    );
  }
  lines.push(`Orders from ${g.first_order_on ?? '-'} to ${g.last_order_on ?? '-'}`);
  if (g.reps.length > 0) {
    lines.push('Sales reps (accounts):');
    for (const rep of g.reps) lines.push(`  ${rep.name} (${rep.home_prefecture}): ${rep.accounts}`);
  }
  lines.push(
    `Customers: ${Object.entries(g.archetypes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(
    `Planted reasons for going quiet: ${Object.entries(g.planted_reasons)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
