import { type Command, Option } from 'commander';
import { buildPlan, type PlanJson } from '../../analysis/approachPlan.js';
import { AppError } from '../../core/errors.js';
import { printJson, withDatabase, withStorage } from '../context.js';

interface PlanFlags {
  db?: string;
  databaseUrl?: string;
  budget: string;
  repHours?: string;
  basePrefecture?: string;
  limit: string;
  json?: boolean;
}

function parseNonNegative(value: string, flag: string): number {
  const n = Number(value.replace(/[,_¥\s]/g, ''));
  if (!Number.isFinite(n) || n < 0) {
    throw new AppError(
      'invalid_input',
      `${flag} expects a number of 0 or more, e.g. ${flag} 1000000; got '${value}'`,
    );
  }
  return n;
}

const yen = (n: number) => `¥${Math.round(n).toLocaleString('en-US')}`;

function render(result: PlanJson, limit: number): string {
  const s = result.summary;
  const hours = s.rep_hours === null ? '' : ` and ${s.rep_hours} rep-hours`;
  const lines = [
    `Plan within ${yen(s.budget_yen)}${hours}: ${s.chosen.toLocaleString('en')} of ${s.customers_considered.toLocaleString('en')} dormant customers`,
    `Expected value ${yen(s.total_expected_value_yen)}; spent ${yen(s.spent_yen)}, unspent ${yen(s.unspent_yen)}` +
      (s.unused_rep_hours === null ? '' : `; rep-hours used ${s.used_rep_hours}, left ${s.unused_rep_hours}`),
    `Method: ${s.method} (${s.guarantee})`,
    `Settings: scoring ${s.settings.scoring_version === null ? 'defaults' : `version ${s.settings.scoring_version}`}, channels ${s.settings.channels_version === null ? 'defaults' : `version ${s.settings.channels_version}`}`,
  ];
  if (s.customers_considered === 0)
    lines.push('No dormant customers in the last analysis: run `mezame analyze` first.');
  if (result.choices.length > 0) {
    lines.push('', 'customer_id\trank\treason\tchannels\tcost\tP\tEV');
    for (const c of result.choices.slice(0, limit)) {
      lines.push(
        [
          c.customer_id,
          c.rank,
          c.reason ? `${c.reason.category} ${c.reason.confidence.toFixed(2)}` : '-',
          c.channels.join('+'),
          yen(c.cost_yen),
          `${(c.probability * 100).toFixed(1)} %`,
          yen(c.expected_value_yen),
        ].join('\t'),
      );
    }
    if (result.choices.length > limit)
      lines.push(`… ${result.choices.length - limit} more (--json lists all)`);
  }
  return `${lines.join('\n')}\n`;
}

/** `mezame plan --budget YEN [--rep-hours H]`: whom to approach, how, within a budget. */
export function registerPlan(program: Command): void {
  const command = program
    .command('plan')
    .description('whom to approach, how, within a budget')
    .requiredOption('--budget <yen>', 'money available for the approaches, in yen')
    .option('--rep-hours <hours>', "sales reps' hours available (default: no limit)")
    .option('--base-prefecture <prefecture>', "the company's base, for the geographic proximity criterion")
    .addOption(new Option('--limit <n>', 'customers to list in the text output').default('30'))
    .option('--json', 'print one JSON document on stdout');
  withDatabase(command).action(async (flags: PlanFlags) => {
    const budgetYen = parseNonNegative(flags.budget, '--budget');
    const repHours = flags.repHours === undefined ? null : parseNonNegative(flags.repHours, '--rep-hours');
    const limit = parseNonNegative(flags.limit, '--limit');
    await withStorage(flags, async (storage) => {
      const result = await buildPlan(storage, {
        budgetYen,
        repHours,
        base: flags.basePrefecture ? { prefecture: flags.basePrefecture } : null,
      });
      if (flags.json) printJson(result);
      else process.stdout.write(render(result, limit));
    });
  });
}
