import type { Command } from 'commander';
import { notYetAvailable, withDatabase } from '../context.js';

/**
 * Commands of SPEC's contract whose capability is not built yet. Each exists, has --help,
 * and says clearly that it is not available (exit 2) instead of printing fake output.
 * When a capability lands, its command moves to its own file and leaves this list.
 */
const LATER: { name: string; args?: string; description: string; issue: number }[] = [
  {
    name: 'demo',
    description: 'generate a realistic demo company, import it, analyse it, serve the app',
    issue: 2,
  },
  {
    name: 'import',
    args: '<kind> <file>',
    description: 'import customers, contacts, orders, subscriptions, events or changes',
    issue: 2,
  },
  { name: 'dedupe', description: 'list (or apply) name-matching (名寄せ) candidates', issue: 2 },
  { name: 'analyze', description: 'recompute features, statuses, reasons and scores', issue: 3 },
  { name: 'fit', args: '<model>', description: 'fit a model (bgnbd) on a summary file', issue: 3 },
  {
    name: 'definition',
    args: '<action> [file]',
    description: 'dormancy definition: suggest | show | set FILE',
    issue: 3,
  },
  { name: 'segment', args: '<action> [name]', description: 'saved filters: list | show | save', issue: 4 },
  { name: 'plan', description: 'whom to approach, how, within a budget', issue: 4 },
  {
    name: 'report',
    args: '<kind>',
    description: 'kpi | lift | cohort | reasons | retention | diagnostic',
    issue: 0,
  },
  { name: 'serve', description: 'serve the web app and API', issue: 5 },
  { name: 'worker', description: 'PostgreSQL mode: an extra worker process', issue: 0 },
];

export function registerLaterCommands(program: Command): void {
  const existing = new Set(program.commands.map((c) => c.name()));
  for (const spec of LATER) {
    if (existing.has(spec.name)) continue;
    const command = program
      .command(spec.args ? `${spec.name} ${spec.args}` : spec.name)
      .description(`${spec.description} (not available yet)`)
      .allowUnknownOption()
      .option('--json', 'print one JSON document on stdout');
    withDatabase(command).action(() => notYetAvailable(`\`mezame ${spec.name}\``, spec.issue));
  }
}
