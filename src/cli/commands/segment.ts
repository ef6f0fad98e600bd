import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { describeSegmentFilter, parseSegmentFilter } from '../../core/prioritise/segmentFilter.js';
import {
  getSegment,
  listSegments,
  type SegmentRow,
  saveSegment,
  segmentMembers,
} from '../../storage/segmentQueries.js';
import { printJson, withDatabase, withStorage } from '../context.js';

interface SegmentFlags {
  db?: string;
  databaseUrl?: string;
  filter?: string;
  by?: string;
  replace?: boolean;
  limit: string;
  json?: boolean;
}

function segmentJson(s: SegmentRow) {
  return {
    name: s.name,
    filter: JSON.parse(s.filter) as unknown,
    description: describeSegmentFilter(parseSegmentFilter(s.filter)),
    created_by: s.created_by,
    created_at: s.created_at,
    count: s.last_count,
    counted_at: s.counted_at,
  };
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new AppError('invalid_input', `--limit expects a whole number of 0 or more; got '${value}'`);
  }
  return n;
}

/**
 * `mezame segment list | show NAME | save NAME --filter JSON`: saved filters over customer fields
 * and analysis features, recounted by every `mezame analyze`.
 */
export function registerSegment(program: Command): void {
  const command = program
    .command('segment <action> [name]')
    .description('saved filters: list | show NAME | save NAME --filter JSON')
    .option(
      '--filter <json>',
      'save: e.g. {"status":["mid_dormant"],"rank":["A","B"],"ranges":{"expected_value":{"min":50000}}}',
    )
    .option('--by <name>', 'save: who saves it (default: the OS user)')
    .option('--replace', 'save: replace the filter of an existing segment')
    .option('--limit <n>', 'show: customers to list', '20')
    .option('--json', 'print one JSON document on stdout');
  withDatabase(command).action(async (action: string, name: string | undefined, flags: SegmentFlags) => {
    if (!['list', 'show', 'save'].includes(action)) {
      throw new AppError('invalid_input', `segment: unknown action '${action}'; expected list, show or save`);
    }
    if (action !== 'list' && !name)
      throw new AppError('invalid_input', `segment ${action}: give the segment NAME`);
    const limit = parseLimit(flags.limit);
    await withStorage(flags, async (storage) => {
      if (action === 'list') {
        const segments = (await listSegments(storage)).map(segmentJson);
        if (flags.json) return printJson({ segments });
        if (segments.length === 0) {
          process.stdout.write('No segments yet: mezame segment save NAME --filter JSON\n');
          return;
        }
        for (const s of segments) {
          process.stdout.write(`${s.name}\t${s.count ?? '-'} customers\t${s.description}\n`);
        }
        return;
      }
      if (action === 'save') {
        if (!flags.filter) throw new AppError('invalid_input', 'segment save: give --filter JSON');
        const filter = parseSegmentFilter(flags.filter);
        const saved = await saveSegment(storage, {
          name: name as string,
          filter,
          createdBy: flags.by ?? process.env.USER ?? 'cli',
          at: new Date().toISOString(),
          replace: flags.replace,
        });
        const json = segmentJson(saved);
        if (flags.json) return printJson(json);
        process.stdout.write(`Saved segment '${json.name}': ${json.count} customers (${json.description})\n`);
        return;
      }
      const segment = await getSegment(storage, name as string);
      if (!segment) throw new AppError('not_found', `segment '${name}' does not exist (mezame segment list)`);
      const members = await segmentMembers(storage, parseSegmentFilter(segment.filter), limit);
      const json = { ...segmentJson(segment), customers: members };
      if (flags.json) return printJson(json);
      process.stdout.write(
        `${json.name}: ${json.count ?? '-'} customers (counted ${json.counted_at ?? 'never'})\n${json.description}\n`,
      );
      for (const m of members) {
        process.stdout.write(
          `  ${m.customer_id}\t${m.status}\t${m.rank ?? '-'}\t${m.reason_category ?? '-'}\t${m.expected_value === null ? '-' : `¥${Math.round(m.expected_value).toLocaleString('en-US')}`}\t${m.name}\n`,
        );
      }
    });
  });
}
