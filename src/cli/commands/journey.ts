import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { type JourneyIssue, parseJourneySource } from '../../core/act/journeyDefinition.js';
import type { JourneyDefinition } from '../../core/act/journeyTypes.js';
import { AppError } from '../../core/errors.js';
import { channelsFromEnv } from '../../journeys/channelSetup.js';
import { enrolCustomers } from '../../journeys/journeyEnrolment.js';
import { simulateStoredJourney } from '../../journeys/journeyPreview.js';
import { type RunProgress, type RunResult, runJourneys } from '../../journeys/journeyRunner.js';
import { journeyDetail, journeySummary } from '../../journeys/journeyView.js';
import { ensureShippedJourneys } from '../../journeys/shippedJourneys.js';
import {
  getJourney,
  listJourneys,
  type StoredJourney,
  saveJourney,
  setJourneyEnabled,
} from '../../storage/journeyQueries.js';
import type { Storage } from '../../storage/storage.js';
import { listTemplates } from '../../storage/templateQueries.js';
import { EXIT, ExitWith, printJson, withDatabase, withStorage } from '../context.js';

const ACTIONS = [
  'list',
  'show',
  'validate',
  'save',
  'enable',
  'disable',
  'simulate',
  'enrol',
  'run',
] as const;
type Action = (typeof ACTIONS)[number];

interface JourneyFlags {
  db?: string;
  databaseUrl?: string;
  customers?: string;
  asOf?: string;
  format?: string;
  by?: string;
  batchSize: string;
  dispatch: boolean;
  json?: boolean;
}

/** A day runs at 10:00 in Japan (outside the quiet hours); an instant runs as given. */
export function runInstant(asOf: string | undefined, clock: () => Date = () => new Date()): Date {
  if (asOf === undefined) return clock();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? `${asOf}T01:00:00.000Z` : asOf;
  const at = new Date(day);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(asOf)) {
    throw new AppError(
      'invalid_input',
      `--as-of expects a day like 2026-12-01 or an instant like 2026-12-01T09:30:00+09:00; got '${asOf}'`,
    );
  }
  return at;
}

function sourceFormat(file: string, flag: string | undefined, source: string): 'json' | 'yaml' {
  if (flag !== undefined) {
    if (flag !== 'json' && flag !== 'yaml')
      throw new AppError('invalid_input', `--format expects json or yaml; got '${flag}'`);
    return flag;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  return source.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function readJourneyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'not_found' : 'invalid_input',
      code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(error)})`,
    );
  }
}

function issueLine(file: string, issue: JourneyIssue): string {
  return `${file}${issue.line === undefined ? '' : `:${issue.line}`}: ${issue.path}: ${issue.message}`;
}

/** Reads and checks a journey file against the templates that exist; issues end the command (exit 2). */
async function checkedFile(
  storage: Storage,
  file: string,
  flags: JourneyFlags,
): Promise<{ definition: JourneyDefinition; source: string; format: 'json' | 'yaml' }> {
  const source = readJourneyFile(file);
  const format = sourceFormat(file, flags.format, source);
  const templates = (await listTemplates(storage)).map((t) => ({ id: t.id, channel: t.channel }));
  const parsed = parseJourneySource(source, format, { templates });
  if (!parsed.ok) {
    if (flags.json) printJson({ ok: false, file, format, issues: parsed.issues });
    else {
      process.stderr.write(
        `${parsed.issues.map((i) => issueLine(file, i)).join('\n')}\n${file}: ${parsed.issues.length} problem(s); nothing was saved\n`,
      );
    }
    throw new ExitWith(EXIT.failed);
  }
  return { definition: parsed.definition, source, format };
}

async function journeyOrFail(storage: Storage, id: string): Promise<StoredJourney> {
  await ensureShippedJourneys(storage, new Date());
  const journey = await getJourney(storage, id);
  if (!journey) throw new AppError('not_found', `journey '${id}' does not exist (mezame journey list)`);
  return journey;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const yen = (n: number) => `¥${Math.round(n).toLocaleString('en-US')}`;

function actor(flags: JourneyFlags): string {
  return flags.by ?? process.env.USER ?? 'cli';
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AppError('invalid_input', `${flag} expects a whole number of 1 or more; got '${value}'`);
  return n;
}

/** Progress of a long run on stderr, at most once a second. */
function progressPrinter(): (p: RunProgress) => void {
  let last = 0;
  return (p) => {
    const t = Date.now();
    if (t - last < 1000) return;
    last = t;
    const what =
      p.phase === 'enrol' ? 'enrolled' : p.phase === 'advance' ? 'customer-steps' : 'messages handled';
    process.stderr.write(`  ${p.phase}: ${p.done.toLocaleString('en-US')} ${what}\n`);
  };
}

function renderRun(result: RunResult, configured: string[], now: Date): string {
  return [
    `Journeys run at ${now.toISOString()}`,
    `  enrolled ${result.enrolled}, advanced ${result.advanced} (${result.steps} steps), queued ${result.queued} messages, opened ${result.tasks} tasks`,
    `  sent ${result.sent}, held ${result.held}, deferred ${result.deferred}, suppressed ${result.suppressed}, failed ${result.failed}` +
      (result.unknown > 0
        ? `, ${result.unknown} interrupted sends marked unknown (check them in the outbox)`
        : ''),
    ...configured.map((line) => `  ${line}`),
  ].join('\n');
}

/**
 * `mezame journey list | show ID | validate FILE | save FILE | enable ID | disable ID |
 * simulate ID | enrol ID --customers A,B | run [--as-of D]`: win-back journeys (MA scenarios).
 */
export function registerJourney(program: Command): void {
  const command = program
    .command('journey <action> [target]')
    .description(
      'win-back journeys: list | show ID | validate FILE | save FILE | enable ID | disable ID | simulate ID | enrol ID --customers A,B | run [--as-of D]',
    )
    .option('--customers <ids>', 'enrol: comma-separated customer ids')
    .option('--as-of <day>', 'run: as if now were this day (10:00 in Japan) or instant')
    .option('--format <format>', 'validate/save: json or yaml (default: by the file extension)')
    .option('--by <name>', 'save/enable/disable: who does it (default: the OS user)')
    .option('--batch-size <n>', 'run: enrolments advanced per transaction', '500')
    .option('--no-dispatch', 'run: enrol and advance only; leave the messages queued')
    .option('--json', 'print one JSON document on stdout');
  withDatabase(command).action(async (action: string, target: string | undefined, flags: JourneyFlags) => {
    if (!ACTIONS.includes(action as Action)) {
      throw new AppError(
        'invalid_input',
        `journey: unknown action '${action}'; expected ${ACTIONS.join(', ')}`,
      );
    }
    const needs = {
      validate: 'FILE',
      save: 'FILE',
      show: 'ID',
      enable: 'ID',
      disable: 'ID',
      simulate: 'ID',
      enrol: 'ID',
    } as const;
    const what = needs[action as keyof typeof needs];
    if (what && !target) throw new AppError('invalid_input', `journey ${action}: give the journey ${what}`);
    const batchSize = positiveInt(flags.batchSize, '--batch-size');
    const now = runInstant(flags.asOf);
    await withStorage(flags, async (storage) => {
      switch (action as Action) {
        case 'list': {
          await ensureShippedJourneys(storage, new Date());
          const journeys = await listJourneys(storage);
          if (flags.json) return printJson({ journeys });
          for (const j of journeys) {
            out(
              `${j.id}\t${j.enabled ? 'enabled ' : 'disabled'}\tv${j.version}\t${j.trigger_type}\tactive ${j.active}, completed ${j.completed}, exited ${j.exited}\t${j.name}`,
            );
          }
          return;
        }
        case 'show': {
          const json = await journeyDetail(storage, await journeyOrFail(storage, target as string));
          if (flags.json) return printJson(json);
          const j = json.journey;
          out(
            `${j.name} (${j.id}, version ${j.version}, ${j.enabled ? `enabled since ${j.enabled_at}` : 'disabled'})`,
          );
          if (j.description) out(j.description);
          out(
            `Trigger: ${j.trigger_type}; active ${json.monitor.active}, completed ${json.monitor.completed}, exited ${json.monitor.exited}`,
          );
          const exits = Object.entries(json.monitor.exits);
          if (exits.length > 0) out(`Exits: ${exits.map(([k, v]) => `${k} ${v}`).join(', ')}`);
          out('step\twaiting\tpassed\tlabel');
          for (const s of json.monitor.steps) out(`${s.id}\t${s.waiting}\t${s.passed}\t${s.label_en}`);
          return;
        }
        case 'validate': {
          const file = target as string;
          const { definition, format } = await checkedFile(storage, file, flags);
          if (flags.json) return printJson({ ok: true, file, format, definition });
          out(`${file}: valid ${format} journey '${definition.id}' with ${definition.steps.length} steps`);
          return;
        }
        case 'save': {
          const file = target as string;
          const checked = await checkedFile(storage, file, flags);
          const saved = await saveJourney(storage, {
            ...checked,
            actor: actor(flags),
            at: new Date().toISOString(),
          });
          if (flags.json) return printJson({ journey: journeySummary(saved) });
          out(
            `Saved journey '${saved.id}' version ${saved.version} (${saved.enabled ? 'enabled' : `disabled: mezame journey enable ${saved.id}`})`,
          );
          return;
        }
        case 'enable':
        case 'disable': {
          await journeyOrFail(storage, target as string);
          const journey = await setJourneyEnabled(
            storage,
            target as string,
            action === 'enable',
            actor(flags),
            new Date().toISOString(),
          );
          if (flags.json) return printJson({ journey: journeySummary(journey) });
          out(
            `Journey '${journey.id}' is ${journey.enabled ? 'enabled: the next run enrols customers' : 'disabled'}`,
          );
          return;
        }
        case 'simulate': {
          const journey = await journeyOrFail(storage, target as string);
          const simulation = await simulateStoredJourney(storage, journey, now);
          if (flags.json) return printJson(simulation);
          out(`${journey.name}: ${simulation.entrants.toLocaleString('en-US')} customers would enter now`);
          out('step\tday\treach\tlabel');
          for (const s of simulation.steps) out(`${s.id}\t${s.day}\t${s.reach.toFixed(1)}\t${s.label_en}`);
          const m = simulation.messages;
          out(
            `Messages: email ${m.email.toFixed(1)}, sms ${m.sms.toFixed(1)}, dm ${m.dm.toFixed(1)}; tasks: call ${simulation.tasks.call.toFixed(1)}, visit ${simulation.tasks.visit.toFixed(1)}; cost ${yen(simulation.cost_yen)}`,
          );
          out(
            `Expected exits: ${Object.entries(simulation.expected_exits)
              .map(([k, v]) => `${k} ${v.toFixed(1)}`)
              .join(', ')}`,
          );
          out(
            `Assumptions (ours): ${Object.entries(simulation.assumptions)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
          );
          return;
        }
        case 'enrol': {
          const ids = (flags.customers ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '');
          if (ids.length === 0)
            throw new AppError('invalid_input', 'journey enrol: give --customers ID1,ID2,…');
          const journey = await journeyOrFail(storage, target as string);
          const result = await enrolCustomers(storage, journey, ids, now);
          if (flags.json) printJson({ journey_id: journey.id, ...result });
          else {
            out(`Enrolled ${result.enrolled} in '${journey.id}'; ${result.skipped} already in it`);
            if (!journey.enabled)
              out(
                `'${journey.id}' is disabled: they start once it is enabled (mezame journey enable ${journey.id})`,
              );
            for (const r of result.rejected)
              process.stderr.write(`  ${r.customer_id}: not enrolled (${r.reason})\n`);
          }
          if (result.rejected.length > 0)
            throw new ExitWith(result.enrolled > 0 ? EXIT.partial : EXIT.failed);
          return;
        }
        case 'run': {
          const channels = channelsFromEnv(process.env);
          try {
            const result = await runJourneys(storage, {
              now,
              batchSize,
              senders: channels.senders,
              sender: channels.sender,
              baseUrl: channels.baseUrl,
              dispatch: flags.dispatch,
              onProgress: progressPrinter(),
            });
            if (flags.json)
              printJson({ as_of: now.toISOString(), ...result, channels: channels.description });
            else out(renderRun(result, channels.description, now));
            if (result.failed > 0) throw new ExitWith(EXIT.partial);
          } finally {
            await channels.close();
          }
          return;
        }
      }
    });
  });
}
