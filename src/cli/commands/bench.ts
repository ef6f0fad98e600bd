import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type BenchResult, benchmarks } from '../../../bench/index.js';
import { describeMachine } from '../../../bench/machine.js';
import { printJson } from '../context.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run all benchmarks and write the results (with the machine described) to bench/results/')
    .option('--only <names>', 'comma-separated benchmark names')
    .option('--quick', 'small sizes, to check the benchmarks themselves run')
    .option('--out <dir>', 'results directory', 'bench/results')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { only?: string; quick?: boolean; out: string; json?: boolean }) => {
      const wanted = opts.only ? new Set(opts.only.split(',')) : null;
      const selected = benchmarks.filter((b) => !wanted || wanted.has(b.name));
      const machine = describeMachine();
      const results: BenchResult[] = [];
      for (const b of selected) {
        process.stderr.write(`bench ${b.name}: ${b.description}\n`);
        results.push(
          ...(await b.run({
            scale: opts.quick ? 'quick' : 'full',
            log: (l) => process.stderr.write(`  ${l}\n`),
          })),
        );
      }
      const document = {
        at: new Date().toISOString(),
        machine,
        scale: opts.quick ? 'quick' : 'full',
        results,
      };
      mkdirSync(opts.out, { recursive: true });
      const stamp = document.at.slice(0, 19).replace(/[:T]/g, '-');
      const file = join(opts.out, `bench-${stamp}.json`);
      writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
      writeFileSync(join(opts.out, 'latest.md'), renderMarkdown(document));
      if (opts.json) printJson({ ...document, file });
      else process.stdout.write(`${renderMarkdown(document)}\nresults written to ${file}\n`);
    });
}

function renderMarkdown(d: {
  at: string;
  machine: Record<string, unknown>;
  scale: string;
  results: BenchResult[];
}) {
  const lines = [
    `# Benchmark results (${d.at}, ${d.scale})`,
    '',
    `Machine: ${Object.entries(d.machine)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
  ];
  for (const r of d.results) {
    lines.push(`## ${r.name}`, '');
    for (const [k, v] of Object.entries(r.figures)) lines.push(`- ${k}: ${v}`);
    if (r.notes) lines.push('', r.notes);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
