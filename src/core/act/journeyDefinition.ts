/**
 * Reads and checks a journey file (JSON or YAML) into a `JourneyDefinition`, and names steps for
 * people. Every problem comes back at once, each with the place it is (`steps[3] (day7-branch).then`),
 * the line when the text has one, and what was expected, so a marketer can fix the file.
 *
 * Beyond the shape (zod), the steps are checked as a graph: every `next`/`then`/`else`/variant
 * names a step or 'end', every step can be reached from the first, no loop runs without a wait
 * step, and a reaction branch looks at a message that can have been sent before it.
 *
 * Decisions: a wait is a number of days above 0 and at most 365 (fractions allowed: 0.5 = 12
 * hours); a holdout is 0–50 % (more than half held out leaves too few to reach); split weights
 * are positive numbers (relative, need not sum to 100).
 */

import { z } from 'zod';
import { LIFECYCLE_STATUSES } from '../detect/lifecycleStatus.js';
import { REASON_CATEGORIES } from '../diagnose/reasonCategories.js';
import { nearestName } from '../nearestName.js';
import { RANKS } from '../prioritise/defaults.js';
import { canReach, journeyGraph, reachableFrom, sendsJustBefore, waitlessLoops } from './journeyGraph.js';
import { fieldLines, type JourneySourceFormat, readSource } from './journeySourceText.js';
import {
  END,
  EXIT_EVENTS,
  type JourneyDefinition,
  type JourneyStep,
  type JourneyTrigger,
  MESSAGE_CHANNELS,
  type MessageChannel,
} from './journeyTypes.js';

export type { JourneySourceFormat } from './journeySourceText.js';
export { journeyStepLabel } from './journeyStepLabel.js';

/** One thing wrong with a journey file. */
export interface JourneyIssue {
  /** Where: `steps[3] (day7-branch).then`, `trigger.statuses[0]`, `line 4` for a syntax error. */
  path: string;
  /** What was found and what was expected, in plain English. */
  message: string;
  /** 1-based line in the text, when known (for the editor). */
  line?: number;
}

export type JourneyParseResult =
  | { ok: true; definition: JourneyDefinition }
  | { ok: false; issues: JourneyIssue[] };

export interface JourneyParseOptions {
  /** The templates that exist; when given, a send step must name one of its channel. */
  templates?: readonly { id: string; channel: MessageChannel }[];
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_ID_LENGTH = 64;
export const MAX_WAIT_DAYS = 365;
export const MAX_HOLDOUT_PERCENT = 50;
export const STEP_TYPES = ['send', 'task', 'wait', 'branch', 'split', 'holdout'] as const;
export const TRIGGER_TYPES = [
  'status_entered',
  'behaviour',
  'schedule',
  'manual',
  'change_resolved',
] as const;
export const BEHAVIOUR_EVENTS = ['web_visit', 'email_open', 'email_click', 'inquiry'] as const;
const CONDITION_KINDS = ['reaction', 'reason', 'rank', 'status'] as const;

const slug = (what: string, example: string) =>
  z
    .string()
    .max(MAX_ID_LENGTH, `${what} is too long: use at most ${MAX_ID_LENGTH} characters`)
    .regex(SLUG_PATTERN, {
      error: (issue) =>
        `expected ${what} in lowercase letters, digits and hyphens (e.g. '${example}'), got ${describeValue(issue.input)}`,
    });

const StepId = slug('a step id', 'day3-email').refine((id) => id !== END, {
  error: `'${END}' is reserved for the end of the journey; give the step another id`,
});
const Target = z.string().min(1, `expected a step id or '${END}'`);
const listOf = <T extends z.ZodType>(item: T, example: string) =>
  z.array(item).min(1, `list at least one, e.g. [${example}]`);

const ReactionCondition = z.strictObject({
  reaction: z.enum(['opened', 'clicked', 'responded']),
  step: z.string().optional(),
});
const CONDITION_SCHEMAS = {
  reaction: ReactionCondition,
  reason: z.strictObject({ reason: listOf(z.enum(REASON_CATEGORIES), 'price') }),
  rank: z.strictObject({ rank: listOf(z.enum(RANKS), 'A, B') }),
  status: z.strictObject({ status: listOf(z.enum(LIFECYCLE_STATUSES), 'long_dormant') }),
};
export const BranchCondition = z.union([
  CONDITION_SCHEMAS.reaction,
  CONDITION_SCHEMAS.reason,
  CONDITION_SCHEMAS.rank,
  CONDITION_SCHEMAS.status,
]);

const branchStep = <C extends z.ZodType>(condition: C) =>
  // biome-ignore lint/suspicious/noThenProperty: the journey format's branch field, not a thenable
  z.strictObject({ id: StepId, type: z.literal('branch'), if: condition, then: Target, else: Target });

const STEP_SCHEMAS = {
  send: z.strictObject({
    id: StepId,
    type: z.literal('send'),
    channel: z.enum(MESSAGE_CHANNELS),
    template: slug('a template id', 'winback-value-email'),
    next: Target.optional(),
  }),
  task: z.strictObject({
    id: StepId,
    type: z.literal('task'),
    kind: z.enum(['call', 'visit']),
    next: Target.optional(),
    note: z.string().max(500, 'the note is too long: use at most 500 characters').optional(),
  }),
  wait: z.strictObject({
    id: StepId,
    type: z.literal('wait'),
    days: z
      .number()
      .gt(0, { error: (issue) => `expected a number of days above 0, got ${describeValue(issue.input)}` })
      .max(MAX_WAIT_DAYS, {
        error: (issue) =>
          `expected at most ${MAX_WAIT_DAYS} days (a year), got ${describeValue(issue.input)}; for a longer pause, let the customer re-enter later`,
      }),
    next: Target.optional(),
  }),
  branch: branchStep(BranchCondition),
  split: z.strictObject({
    id: StepId,
    type: z.literal('split'),
    variants: z
      .array(
        z.strictObject({
          name: slug('a variant name', 'a'),
          weight: z.number().gt(0, {
            error: (issue) =>
              `expected a weight above 0 (weights are relative: 1 and 1 is half and half), got ${describeValue(issue.input)}`,
          }),
          next: Target,
        }),
      )
      .min(2, 'a split needs at least two variants to compare'),
  }),
  holdout: z.strictObject({
    id: StepId,
    type: z.literal('holdout'),
    percent: z
      .number()
      .min(0, {
        error: (issue) =>
          `expected a percent from 0 to ${MAX_HOLDOUT_PERCENT}, got ${describeValue(issue.input)}`,
      })
      .max(MAX_HOLDOUT_PERCENT, {
        error: (issue) =>
          `expected a percent from 0 to ${MAX_HOLDOUT_PERCENT} (holding out more than half leaves too few to reach), got ${describeValue(issue.input)}`,
      }),
    next: Target.optional(),
  }),
};
export const JourneyStepSchema = z.discriminatedUnion('type', [
  STEP_SCHEMAS.send,
  STEP_SCHEMAS.task,
  STEP_SCHEMAS.wait,
  STEP_SCHEMAS.branch,
  STEP_SCHEMAS.split,
  STEP_SCHEMAS.holdout,
]);

const TRIGGER_SCHEMAS = {
  status_entered: z.strictObject({
    type: z.literal('status_entered'),
    statuses: listOf(z.enum(LIFECYCLE_STATUSES), 'early_dormant'),
  }),
  behaviour: z.strictObject({
    type: z.literal('behaviour'),
    event: z.enum(BEHAVIOUR_EVENTS),
    url_contains: z
      .string()
      .min(1, 'leave url_contains out, or give part of a URL, e.g. /pricing')
      .max(200)
      .optional(),
    min_count: z.int().min(1, 'expected a count of at least 1').max(1000),
    within_days: z.int().min(1, 'expected at least 1 day').max(MAX_WAIT_DAYS),
  }),
  schedule: z.strictObject({ type: z.literal('schedule'), every: z.enum(['month', 'quarter']) }),
  manual: z.strictObject({ type: z.literal('manual') }),
  change_resolved: z.strictObject({ type: z.literal('change_resolved') }),
};
export const JourneyTriggerSchema = z.discriminatedUnion('type', [
  TRIGGER_SCHEMAS.status_entered,
  TRIGGER_SCHEMAS.behaviour,
  TRIGGER_SCHEMAS.schedule,
  TRIGGER_SCHEMAS.manual,
  TRIGGER_SCHEMAS.change_resolved,
]);

const omitForAny = 'leave the field out for any, or list at least one';
export const JourneyAudienceSchema = z.strictObject({
  statuses: z.array(z.enum(LIFECYCLE_STATUSES)).min(1, omitForAny).optional(),
  ranks: z.array(z.enum(RANKS)).min(1, omitForAny).optional(),
  reasons: z.array(z.enum(REASON_CATEGORIES)).min(1, omitForAny).optional(),
  segment_id: z.int().positive('expected the id of a saved segment (a whole number above 0)').optional(),
});

const ROOT_FIELDS = {
  id: slug('a journey id', 'winback-basic'),
  name: z
    .string()
    .trim()
    .min(1, 'give the journey a name')
    .max(100, 'the name is too long: at most 100 characters'),
  description: z.string().max(2000, 'the description is too long: at most 2000 characters').optional(),
  audience: JourneyAudienceSchema.optional(),
  exit_on: z.array(z.enum(EXIT_EVENTS)).optional(),
};
/** The whole definition as one schema (for API documentation); parseJourneySource gives better messages. */
export const JourneyDefinitionSchema = z.strictObject({
  ...ROOT_FIELDS,
  trigger: JourneyTriggerSchema,
  steps: z.array(JourneyStepSchema).min(1),
});
// The schema and the contract in journeyTypes.ts must describe the same thing.
const schemaMatchesContract = (value: z.infer<typeof JourneyDefinitionSchema>): JourneyDefinition => value;
void schemaMatchesContract;

const RootSchema = z.strictObject({
  ...ROOT_FIELDS,
  trigger: z.unknown(),
  steps: z.array(z.unknown()).min(1, 'a journey needs at least one step, e.g. a send step'),
});

type Segments = (string | number)[];
interface RawIssue {
  segments: Segments;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object (fields)',
};

/** Plain-English messages for the issues the schemas do not word themselves. */
const plainMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `required: expected ${expected}`;
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_value':
      if (issue.input === undefined)
        return `required: expected one of ${issue.values.map(String).join(', ')}`;
      return `expected one of ${issue.values.map(String).join(', ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `expected ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}, got ${describeValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `too long: at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `expected at most ${issue.maximum} item(s)`;
      return `expected at most ${issue.maximum}, got ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
};

/** Runs a schema and turns its issues into ours, one per unknown field. */
function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  at: Segments,
  issues: RawIssue[],
  fields?: string,
): z.infer<S> | null {
  const result = schema.safeParse(value, { error: plainMessage });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const segments = [...at, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = issue.path.length === 0 && fields !== undefined ? `; ${fields}` : '; check its spelling';
        issues.push({ segments: [...segments, key], message: `unknown field '${key}'${hint}` });
      }
    } else issues.push({ segments, message: issue.message });
  }
  return null;
}

const fieldList = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape).join(', ');

function checkTrigger(raw: unknown, issues: RawIssue[]): JourneyTrigger | null {
  const at = ['trigger'];
  const types = TRIGGER_TYPES.join(', ');
  if (!isRecord(raw)) {
    issues.push({
      segments: at,
      message: `expected a trigger with a type (${types}), got ${describeValue(raw)}`,
    });
    return null;
  }
  const type = raw.type;
  if (typeof type !== 'string' || !(TRIGGER_TYPES as readonly string[]).includes(type)) {
    issues.push({
      segments: [...at, 'type'],
      message: `${type === undefined ? 'missing trigger type' : `unknown trigger type ${describeValue(type)}`}; expected one of ${types}`,
    });
    return null;
  }
  const schema = TRIGGER_SCHEMAS[type as keyof typeof TRIGGER_SCHEMAS];
  const trigger = check(schema, raw, at, issues, `a ${type} trigger has the fields ${fieldList(schema)}`);
  if (trigger?.type === 'behaviour' && trigger.url_contains !== undefined && trigger.event !== 'web_visit') {
    issues.push({
      segments: [...at, 'url_contains'],
      message: `url_contains only applies to web_visit events, not ${trigger.event}; remove it or use event: web_visit`,
    });
  }
  return trigger;
}

function stepPlace(raw: unknown): string {
  return isRecord(raw) && typeof raw.id === 'string' ? ` (${raw.id})` : '';
}

function checkStep(raw: unknown, index: number, issues: RawIssue[]): JourneyStep | null {
  const at = ['steps', index];
  const types = STEP_TYPES.join(', ');
  if (!isRecord(raw)) {
    issues.push({
      segments: at,
      message: `expected a step with an id and a type, got ${describeValue(raw)}`,
    });
    return null;
  }
  const type = raw.type;
  if (typeof type !== 'string' || !(STEP_TYPES as readonly string[]).includes(type)) {
    issues.push({
      segments: [...at, 'type'],
      message: `${type === undefined ? 'missing step type' : `unknown step type ${describeValue(type)}`}; expected one of ${types}`,
    });
    return null;
  }
  if (type !== 'branch') {
    const schema = STEP_SCHEMAS[type as Exclude<keyof typeof STEP_SCHEMAS, 'branch'>];
    return check(schema, raw, at, issues, `a ${type} step has the fields ${fieldList(schema)}`);
  }
  const shell = branchStep(z.unknown().optional());
  const step = check(shell, raw, at, issues, `a branch step has the fields ${fieldList(shell)}`);
  const condition = raw.if;
  const kinds = isRecord(condition) ? CONDITION_KINDS.filter((kind) => kind in condition) : [];
  if (kinds.length !== 1) {
    issues.push({
      segments: [...at, 'if'],
      message:
        kinds.length > 1
          ? `one condition per branch, found ${kinds.join(' and ')}; chain two branch steps instead`
          : `expected a condition on reaction, reason, rank or status (e.g. { reaction: opened }), got ${describeValue(condition)}`,
    });
    return null;
  }
  const parsed = check(
    CONDITION_SCHEMAS[kinds[0] as (typeof CONDITION_KINDS)[number]],
    condition,
    [...at, 'if'],
    issues,
  );
  if (step === null || parsed === null) return null;
  return { ...step, if: parsed };
}

function unknownTargetMessage(target: string, ids: readonly string[]): string {
  const near = nearestName(target, ids, Math.max(1, Math.floor(target.length / 4)));
  const suggestion = near !== null ? `did you mean '${near}'? ` : '';
  return `no step '${target}' in this journey; ${suggestion}expected the id of a step or '${END}' to finish the journey`;
}

/** The fields of a step that name another step. */
function targetFields(step: JourneyStep): { segments: Segments; target: string }[] {
  switch (step.type) {
    case 'branch':
      return [
        { segments: ['then'], target: step.then },
        { segments: ['else'], target: step.else },
      ];
    case 'split':
      return step.variants.map((variant, i) => ({ segments: ['variants', i, 'next'], target: variant.next }));
    default:
      return step.next === undefined ? [] : [{ segments: ['next'], target: step.next }];
  }
}

function checkGraph(steps: JourneyStep[], issues: RawIssue[]): void {
  const graph = journeyGraph({ steps });
  const reachable = reachableFrom(graph, 0);
  steps.forEach((step, index) => {
    if (!reachable.has(index)) {
      issues.push({
        segments: ['steps', index],
        message: `no step leads here, so no customer would ever reach '${step.id}'; point a next, then, else or variant to it, or remove it`,
      });
    }
  });
  for (const loop of waitlessLoops(graph)) {
    const ids = loop.map((index) => steps[index]?.id);
    issues.push({
      segments: ['steps', loop[0] as number],
      message: `the steps ${ids.join(', ')} form a loop with no wait step, so a customer would go round it forever; add a wait step to the loop or send one of them elsewhere`,
    });
  }
  steps.forEach((step, index) => {
    if (step.type !== 'branch' || !('reaction' in step.if)) return;
    const named = step.if.step;
    if (named === undefined) {
      const sends = sendsJustBefore(graph, index);
      if (sends.length === 0) {
        issues.push({
          segments: ['steps', index, 'if'],
          message: 'a reaction branch needs a send step before it, and no send step can run before this one',
        });
      } else if (sends.length > 1) {
        const ids = sends.map((i) => `'${steps[i]?.id}'`).join(', ');
        issues.push({
          segments: ['steps', index, 'if'],
          message: `several send steps can come just before this branch (${ids}); name the one to look at in 'step'`,
        });
      }
      return;
    }
    const target = graph.indexById.get(named);
    const at = ['steps', index, 'if', 'step'];
    if (target === undefined) {
      const sendIds = steps.filter((s) => s.type === 'send').map((s) => `'${s.id}'`);
      issues.push({
        segments: at,
        message: `no step '${named}' in this journey; expected the id of a send step (${sendIds.join(', ') || 'there is none'})`,
      });
    } else if (steps[target]?.type !== 'send') {
      issues.push({
        segments: at,
        message: `'${named}' is a ${steps[target]?.type} step; a reaction branch looks at a send step's message`,
      });
    } else if (!canReach(graph, target, index)) {
      issues.push({
        segments: at,
        message: `'${named}' cannot run before this branch, so there would be no reaction to look at; name a send step that comes earlier`,
      });
    }
  });
}

/** `['steps', 3, 'then']` → `steps[3] (day7-branch).then`. */
function formatPath(segments: Segments, rawSteps: readonly unknown[]): string {
  let path = '';
  segments.forEach((segment, i) => {
    if (typeof segment === 'number') {
      path += `[${segment}]`;
      if (segments[i - 1] === 'steps' && i === 1) path += stepPlace(rawSteps[segment]);
    } else path += path === '' ? segment : `.${segment}`;
  });
  return path === '' ? '(journey)' : path;
}

/**
 * Reads a journey file and checks it. Returns the definition, or every issue found.
 *
 * @example
 * parseJourneySource('{"id":"x","name":"X","trigger":{"type":"manual"},"steps":[{"id":"a","type":"wait","days":0}]}', 'json')
 * // { ok: false, issues: [{ path: 'steps[0] (a).days', message: 'expected a number of days above 0, got 0', line: 1 }] }
 */
export function parseJourneySource(
  source: string,
  format: JourneySourceFormat,
  options: JourneyParseOptions = {},
): JourneyParseResult {
  const read = readSource(source, format);
  if (!read.ok) {
    const { line, column, message } = read.error;
    return {
      ok: false,
      issues: [
        {
          path: `line ${line}`,
          message: `invalid ${format === 'json' ? 'JSON' : 'YAML'} at line ${line}, column ${column}: ${message}`,
          line,
        },
      ],
    };
  }
  const raw = read.value;
  const issues: RawIssue[] = [];
  let rawSteps: unknown[] = [];
  if (!isRecord(raw)) {
    issues.push({
      segments: [],
      message: `expected a journey with id, name, trigger and steps, got ${describeValue(raw)}`,
    });
  } else {
    if (Array.isArray(raw.steps)) rawSteps = raw.steps;
    const root = check(RootSchema, raw, [], issues, `a journey has the fields ${fieldList(RootSchema)}`);
    const trigger = raw.trigger === undefined ? null : checkTrigger(raw.trigger, issues);
    const steps = rawSteps.map((step, index) => checkStep(step, index, issues));
    const knownIds = rawSteps.flatMap((step) =>
      isRecord(step) && typeof step.id === 'string' ? [step.id] : [],
    );

    const firstIndex = new Map<string, number>();
    let targetsOk = true;
    rawSteps.forEach((step, index) => {
      if (!isRecord(step) || typeof step.id !== 'string') return;
      const earlier = firstIndex.get(step.id);
      if (earlier === undefined) firstIndex.set(step.id, index);
      else {
        issues.push({
          segments: ['steps', index, 'id'],
          message: `the id '${step.id}' is already used by steps[${earlier}]; each step needs its own id`,
        });
      }
    });
    const templates = options.templates;
    steps.forEach((step, index) => {
      if (step === null) return;
      for (const { segments, target } of targetFields(step)) {
        if (target !== END && !knownIds.includes(target)) {
          targetsOk = false;
          issues.push({
            segments: ['steps', index, ...segments],
            message: unknownTargetMessage(target, knownIds),
          });
        }
      }
      if (step.type === 'send' && templates !== undefined) {
        const found = templates.filter((t) => t.id === step.template);
        if (found.length === 0) {
          issues.push({
            segments: ['steps', index, 'template'],
            message: `no template '${step.template}'; create it first or pick an existing one`,
          });
        } else if (!found.some((t) => t.channel === step.channel)) {
          issues.push({
            segments: ['steps', index, 'template'],
            message: `the template '${step.template}' is for ${found.map((t) => t.channel).join('/')}, not ${step.channel}`,
          });
        }
      }
    });

    const valid = steps.filter((step): step is JourneyStep => step !== null);
    const allSteps = valid.length === rawSteps.length && rawSteps.length > 0;
    if (allSteps && targetsOk && firstIndex.size === valid.length) checkGraph(valid, issues);

    if (issues.length === 0 && root !== null && trigger !== null) {
      const definition: JourneyDefinition = { id: root.id, name: root.name, trigger, steps: valid };
      if (root.description !== undefined) definition.description = root.description;
      if (root.audience !== undefined) definition.audience = root.audience;
      if (root.exit_on !== undefined) definition.exit_on = root.exit_on;
      return { ok: true, definition };
    }
  }
  const lineOf = fieldLines(source);
  return {
    ok: false,
    issues: issues.map(({ segments, message }) => {
      const line = lineOf?.(segments);
      const issue: JourneyIssue = { path: formatPath(segments, rawSteps), message };
      if (line !== undefined) issue.line = line;
      return issue;
    }),
  };
}
