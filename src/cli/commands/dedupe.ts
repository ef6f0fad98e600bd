import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import type { DuplicateCandidate, DuplicateSearch } from '../../core/collect/duplicateCandidates.js';
import { AppError } from '../../core/errors.js';
import type { Storage } from '../../storage/index.js';
import {
  findDuplicateCustomers,
  type MergeResult,
  mergeCustomerGroup,
} from '../../storage/nameMatchingQueries.js';
import { EXIT, ExitWith, printJson, withDatabase, withStorage } from '../context.js';

interface DedupeFlags {
  db?: string;
  databaseUrl?: string;
  merge?: boolean;
  ids?: string;
  json?: boolean;
  actor?: string;
}

interface FailedMerge {
  customer_ids: string[];
  error: string;
}

/**
 * `mezame dedupe`: lists name-matching (名寄せ) candidates; `--merge` merges the strong ones;
 * `--ids A,B` merges exactly the customers a person names. A name alone never merges anything
 * without that person.
 */
export function registerDedupe(program: Command): void {
  const command = program
    .command('dedupe')
    .description('list (or apply) name-matching (名寄せ) candidates')
    .addOption(
      new Option(
        '--merge',
        "merge the listed candidates of strength 'strong' (never those matched on name alone)",
      ).conflicts('ids'),
    )
    .addOption(
      new Option('--ids <ids>', 'merge exactly these customers, e.g. --ids C001,C002').conflicts('merge'),
    )
    .option('--actor <name>', 'who decides the merge, for the audit log (default: cli:<your user name>)')
    .option('--json', 'print one JSON document on stdout');
  withDatabase(command).action(async (flags: DedupeFlags) => {
    const actor = flags.actor?.trim() || defaultActor();
    await withStorage(flags, async (storage) => {
      if (flags.ids !== undefined)
        return mergeNamed(storage, parseIds(flags.ids), actor, flags.json === true);
      const search = await findDuplicateCustomers(storage);
      if (!flags.merge) return list(search, flags.json === true);
      return mergeStrong(storage, search, actor, flags.json === true);
    });
  });
}

function defaultActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function parseIds(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length < 2) {
    throw new AppError(
      'invalid_input',
      `--ids needs two or more customer ids separated by commas, got '${value}'.`,
    );
  }
  return ids;
}

function candidateJson(candidate: DuplicateCandidate): Record<string, unknown> {
  return {
    customer_ids: candidate.customerIds,
    similarity: candidate.similarity,
    strength: candidate.strength,
    reasons: candidate.reasons,
  };
}

function searchJson(search: DuplicateSearch): Record<string, unknown> {
  return {
    candidates: search.candidates.map(candidateJson),
    customers_compared: search.customersCompared,
    oversized_blocks: search.oversizedBlocks,
  };
}

function mergeJson(result: MergeResult): Record<string, unknown> {
  return {
    survivor_id: result.survivorId,
    merged_ids: result.mergedIds,
    moved: result.moved,
    filled_fields: result.filledFields,
    repointed_ids: result.repointedIds,
  };
}

function list(search: DuplicateSearch, json: boolean): void {
  if (json) {
    printJson(searchJson(search));
    return;
  }
  process.stdout.write(renderCandidates(search));
  const strong = search.candidates.filter((c) => c.strength === 'strong').length;
  if (strong > 0) {
    process.stdout.write(`\n${strong} strong candidate(s) can be merged with: mezame dedupe --merge\n`);
  }
  if (search.candidates.some((c) => c.strength !== 'strong')) {
    process.stdout.write(
      'Candidates matched on the name alone (or weaker) are never merged by --merge: check them and merge\n' +
        'the ones that are one customer with: mezame dedupe --ids A,B\n',
    );
  }
}

async function mergeStrong(
  storage: Storage,
  search: DuplicateSearch,
  actor: string,
  json: boolean,
): Promise<void> {
  const merged: MergeResult[] = [];
  const failed: FailedMerge[] = [];
  const strong = search.candidates.filter((c) => c.strength === 'strong');
  for (const candidate of strong) {
    try {
      merged.push(await mergeCustomerGroup(storage, { customerIds: candidate.customerIds, actor }));
    } catch (error) {
      // another process may have merged one of them meanwhile: report it and go on
      if (!(error instanceof AppError)) throw error;
      failed.push({ customer_ids: candidate.customerIds, error: error.message });
    }
  }
  // after the merges, a name-only group names each merged customer by its survivor
  const survivorOf = new Map(merged.flatMap((r) => r.mergedIds.map((id) => [id, r.survivorId] as const)));
  const notMerged = search.candidates
    .filter((c) => c.strength !== 'strong')
    .map((c) => ({ ...c, customerIds: [...new Set(c.customerIds.map((id) => survivorOf.get(id) ?? id))] }))
    .filter((c) => c.customerIds.length > 1);
  if (json) {
    printJson({
      ...searchJson(search),
      merged: merged.map(mergeJson),
      failed,
      not_merged: notMerged.map((c) => ({
        ...candidateJson(c),
        hint: `matched on ${c.strength === 'name_only' ? 'the name alone' : 'weak evidence'}; if they are one customer: mezame dedupe --ids ${c.customerIds.join(',')}`,
      })),
    });
  } else {
    if (merged.length === 0 && failed.length === 0)
      process.stdout.write('No strong candidates: nothing merged.\n');
    for (const result of merged) process.stdout.write(`${describeMerge(result)}\n`);
    for (const failure of failed) {
      process.stdout.write(`Not merged ${failure.customer_ids.join(', ')}: ${failure.error}\n`);
    }
    if (notMerged.length > 0) {
      process.stdout.write(
        `\n${notMerged.length} candidate(s) not merged (name alone or weaker evidence); ` +
          'check each and merge with --ids:\n',
      );
      for (const c of notMerged) {
        process.stdout.write(`  mezame dedupe --ids ${c.customerIds.join(',')}    # ${c.reasons[0] ?? ''}\n`);
      }
    }
  }
  if (failed.length > 0) throw new ExitWith(EXIT.partial);
}

async function mergeNamed(storage: Storage, ids: string[], actor: string, json: boolean): Promise<void> {
  const result = await mergeCustomerGroup(storage, { customerIds: ids, actor });
  if (json) printJson({ merged: [mergeJson(result)] });
  else process.stdout.write(`${describeMerge(result)}\n`);
}

function describeMerge(result: MergeResult): string {
  const m = result.moved;
  const filled = result.filledFields.length > 0 ? `; filled ${result.filledFields.join(', ')}` : '';
  const moved = [
    count(m.orders, 'order'),
    count(m.events, 'event'),
    count(m.contacts, 'contact'),
    count(m.subscriptions, 'subscription'),
  ];
  return `Merged ${result.mergedIds.join(', ')} into ${result.survivorId}: moved ${moved.join(', ')}${filled}.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const STRENGTH_LABEL: Record<DuplicateCandidate['strength'], string> = {
  strong: 'strong',
  name_only: 'name only',
  weak: 'weak',
};

function renderCandidates(search: DuplicateSearch): string {
  const lines: string[] = [];
  if (search.candidates.length === 0) {
    lines.push(`No duplicate candidates among ${search.customersCompared} customers.`);
  } else {
    lines.push(
      `${search.candidates.length} candidate group(s) among ${search.customersCompared} customers:`,
      '',
    );
    const header = ['#', 'strength', 'similarity', 'customers', 'evidence'];
    const rows = search.candidates.map((c, i) => [
      String(i + 1),
      STRENGTH_LABEL[c.strength],
      c.similarity.toFixed(2),
      c.customerIds.join(', '),
      c.reasons,
    ]);
    const widths = header
      .slice(0, 4)
      .map((h, col) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[col] as string))));
    const cell = (text: string, col: number): string =>
      text + ' '.repeat((widths[col] as number) - displayWidth(text));
    lines.push(`${header.slice(0, 4).map(cell).join('  ')}  ${header[4]}`);
    for (const row of rows) {
      const [first, ...rest] = row[4] as string[];
      const lead = (row.slice(0, 4) as string[]).map(cell).join('  ');
      lines.push(`${lead}  ${first ?? ''}`);
      for (const reason of rest) lines.push(`${' '.repeat(displayWidth(lead))}  ${reason}`);
    }
  }
  for (const block of search.oversizedBlocks.slice(0, 10)) {
    lines.push(
      `note: ${block.customers} customers share the ${block.field.replace('_', ' ')} ${block.value}; ` +
        'too many to be evidence, not compared on it',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Terminal columns of a text: East Asian wide and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const isWide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      code >= 0x20000;
    width += isWide ? 2 : 1;
  }
  return width;
}
