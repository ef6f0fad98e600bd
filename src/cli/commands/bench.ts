import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type BenchResult, benchmarks } from '../../../bench/index.js';
import { describeMachine } from '../../../bench/machine.js';
import { AppError } from '../../core/errors.js';
import { printJson } from '../context.js';

/** One benchmark's latest run: results of a `--only` run replace that benchmark's section only. */
interface BenchRun {
  at: string;
  scale: 'full' | 'quick';
  machine: Record<string, string | number>;
  results: BenchResult[];
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'run the benchmarks and write the results (with the machine described) to bench/results/; ' +
        'latest.md keeps the newest full-scale run of every benchmark',
    )
    .option('--only <names>', `comma-separated benchmark names (${benchmarks.map((b) => b.name).join(', ')})`)
    .option('--quick', 'small sizes, to check the benchmarks themselves run (not written to latest.md)')
    .option('--out <dir>', 'results directory', 'bench/results')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { only?: string; quick?: boolean; out: string; json?: boolean }) => {
      const wanted = opts.only ? new Set(opts.only.split(',')) : null;
      const unknown = wanted ? [...wanted].filter((n) => !benchmarks.some((b) => b.name === n)) : [];
      if (unknown.length > 0) {
        throw new AppError(
          'invalid_input',
          `unknown benchmark ${unknown.join(', ')}; choose from ${benchmarks.map((b) => b.name).join(', ')}`,
        );
      }
      const selected = benchmarks.filter((b) => !wanted || wanted.has(b.name));
      const scale = opts.quick ? 'quick' : 'full';
      const runs: Record<string, BenchRun> = {};
      for (const b of selected) {
        process.stderr.write(`bench ${b.name}: ${b.description}\n`);
        const machine = describeMachine();
        const results = await b.run({ scale, log: (l) => process.stderr.write(`  ${l}\n`) });
        runs[b.name] = { at: new Date().toISOString(), scale, machine, results };
      }
      mkdirSync(opts.out, { recursive: true });
      const at = new Date().toISOString();
      const file = join(opts.out, `bench-${at.slice(0, 19).replace(/[:T]/g, '-')}.json`);
      writeFileSync(file, `${JSON.stringify({ at, scale, runs }, null, 2)}\n`);
      if (scale === 'full') {
        const latestFile = join(opts.out, 'latest.json');
        const latest: Record<string, BenchRun> = existsSync(latestFile)
          ? JSON.parse(readFileSync(latestFile, 'utf8'))
          : {};
        Object.assign(latest, runs);
        const ordered = Object.fromEntries(
          benchmarks.filter((b) => latest[b.name]).map((b) => [b.name, latest[b.name] as BenchRun]),
        );
        writeFileSync(latestFile, `${JSON.stringify(ordered, null, 2)}\n`);
        writeFileSync(join(opts.out, 'latest.md'), renderMarkdown(ordered));
      }
      if (opts.json) printJson({ at, scale, runs, file });
      else process.stdout.write(`${renderMarkdown(runs)}\nresults written to ${file}\n`);
    });
}

function renderMarkdown(runs: Record<string, BenchRun>): string {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (each section is the newest full-scale run of that benchmark; ' +
      '`npm run bench -- --only NAME` reruns one). Wall-clock figures depend on what else ran on the ' +
      'machine (see the load average); ratios against the baseline measured in the same run are what compare.',
    '',
  ];
  for (const [name, run] of Object.entries(runs)) {
    lines.push(`## ${name} — ${run.at} (${run.scale})`, '');
    lines.push(
      `Machine: ${Object.entries(run.machine)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      '',
    );
    for (const r of run.results) {
      lines.push(`### ${r.name}`, '');
      for (const [k, v] of Object.entries(r.figures)) lines.push(`- ${k}: ${v}`);
      if (r.notes) lines.push('', r.notes);
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}
