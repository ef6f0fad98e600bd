/**
 * Journeys (MA scenarios): the list with enrolment counts, one journey with its monitor (where
 * customers wait, how many passed each step, how they left), checking and saving the journey
 * file (JSON or YAML), enabling and disabling, a simulation on the customers the journey would
 * take now, adding customers by hand, and one run of the scheduler. Reading is open to every
 * signed-in user; everything else is for admins and marketers, each change with an audit row.
 */

import { z } from 'zod';
import { type JourneyIssue, parseJourneySource } from '../../core/act/journeyDefinition.js';
import { AppError } from '../../core/errors.js';
import { enrolCustomers } from '../../journeys/journeyEnrolment.js';
import { simulateStoredJourney } from '../../journeys/journeyPreview.js';
import type { RunResult } from '../../journeys/journeyRunner.js';
import { journeyDetail, journeyWithSource } from '../../journeys/journeyView.js';
import { ensureShippedJourneys } from '../../journeys/shippedJourneys.js';
import { recordAudit } from '../../storage/accountQueries.js';
import {
  getJourney,
  listJourneys,
  type StoredJourney,
  saveJourney,
  setJourneyEnabled,
} from '../../storage/journeyQueries.js';
import { listTemplates } from '../../storage/templateQueries.js';
import { ANY_ROLE, actorOf, WRITERS } from '../auth.js';
import { RequestValidationError } from '../httpErrors.js';
import type { JourneyScheduler } from '../journeyScheduler.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

type Storage = ServerDeps['storage'];

const JOURNEY_ID = /^[a-z0-9][a-z0-9-]{0,79}$/;
export const JourneyIdParams = z.object({
  id: z.string().regex(JOURNEY_ID, 'expected a journey id: lowercase letters, digits and -'),
});
export const JourneySourceBody = z.object({
  source: z.string().min(1, 'the journey file is empty').max(1_000_000, 'at most 1 MB'),
  format: z.enum(['json', 'yaml']),
});
const rate = z.number().min(0).max(1);
export const SimulateBody = z.object({
  assumptions: z
    .object({
      open_rate: rate,
      click_rate: rate,
      purchase_rate_per_message: rate,
      reply_rate_per_message: rate,
    })
    .partial()
    .strict()
    .optional(),
});
export const EnrolBody = z.object({
  customer_ids: z
    .array(z.string().trim().min(1).max(200))
    .min(1, 'name at least one customer')
    .max(10_000, 'at most 10,000 customers at a time'),
});

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;
const WRITE = { kind: 'user', roles: WRITERS } as const;

/**
 * A journey file's problems as a 400 on `body.source`, each issue also with its place in the file
 * (`path`: `steps[3] (day7).then`, and `line` when known) for the editor.
 */
function invalidJourney(issues: readonly JourneyIssue[]): RequestValidationError {
  const fields = issues.map((issue) => ({
    field: 'body.source',
    message: `${issue.path}: ${issue.message}`,
    path: issue.path,
    ...(issue.line === undefined ? {} : { line: issue.line }),
  }));
  const first = fields[0] ?? { field: 'body.source', message: 'invalid journey' };
  return new RequestValidationError(first.field, `${first.field}: ${first.message}`, fields);
}

async function journeyOr404(storage: Storage, id: string): Promise<StoredJourney> {
  const journey = await getJourney(storage, id);
  if (!journey) throw new AppError('not_found', `No journey '${id}'.`);
  return journey;
}

export interface JourneyRouteDeps {
  scheduler: JourneyScheduler<RunResult>;
}

/** Parses a journey file, checking that each send step names a template of its channel. */
async function parseWithTemplates(storage: Storage, body: z.output<typeof JourneySourceBody>) {
  const templates = await listTemplates(storage);
  return parseJourneySource(body.source, body.format, { templates });
}

export function registerJourneyRoutes(
  table: RouteTable,
  { storage }: ServerDeps,
  { scheduler }: JourneyRouteDeps,
): void {
  table.define(
    {
      method: 'GET',
      url: '/api/journeys',
      summary: 'Journeys with their trigger, state and enrolment counts (active, completed, exited)',
      tag: 'journeys',
      access: READ,
    },
    async ({ now }) => {
      // The shipped journeys appear (disabled) before anyone runs or saves one.
      await ensureShippedJourneys(storage, now);
      return { journeys: await listJourneys(storage) };
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/journeys/validate',
      summary:
        'Check a journey file (JSON or YAML) without saving it: the definition, or every issue with its place',
      tag: 'journeys',
      access: READ,
      body: JourneySourceBody,
    },
    async ({ body }) => parseWithTemplates(storage, body),
  );

  table.define(
    {
      method: 'POST',
      url: '/api/journeys/run',
      summary:
        'Run the journeys once now: enrol, advance due customers, send due messages (waits for a run going)',
      tag: 'journeys',
      access: WRITE,
    },
    async ({ principal, now }) => {
      const result = await scheduler.runNow();
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'journey.run',
        entity: 'journey',
        entityId: 'run',
        details: result,
      });
      return result;
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/journeys/:id',
      summary:
        'A journey (file, definition) and its monitor: customers waiting at and passed through each step, exits',
      tag: 'journeys',
      access: READ,
      params: JourneyIdParams,
    },
    async ({ params, now }) => {
      await ensureShippedJourneys(storage, now);
      const journey = await journeyOr404(storage, params.id);
      return journeyDetail(storage, journey);
    },
  );

  table.define(
    {
      method: 'PUT',
      url: '/api/journeys/:id',
      summary:
        "Save a journey file as a new version (a new id creates the journey, disabled); the file's id must be the path's",
      tag: 'journeys',
      access: WRITE,
      params: JourneyIdParams,
      body: JourneySourceBody,
    },
    async ({ params, body, principal, now }) => {
      const parsed = await parseWithTemplates(storage, body);
      if (!parsed.ok) throw invalidJourney(parsed.issues);
      if (parsed.definition.id !== params.id) {
        throw invalidJourney([
          {
            path: 'id',
            message: `the file's id '${parsed.definition.id}' differs from '${params.id}' in the address`,
          },
        ]);
      }
      // saveJourney writes the audit row in the same transaction.
      const journey = await saveJourney(storage, {
        definition: parsed.definition,
        source: body.source,
        format: body.format,
        actor: actorOf(principal),
        at: now.toISOString(),
      });
      return { journey: journeyWithSource(journey) };
    },
  );

  for (const enabled of [true, false]) {
    table.define(
      {
        method: 'POST',
        url: `/api/journeys/:id/${enabled ? 'enable' : 'disable'}`,
        summary: enabled
          ? 'Enable a journey: from now on its trigger enrols customers and due steps run'
          : 'Disable a journey: nobody new enters and no step runs until it is enabled again',
        tag: 'journeys',
        access: WRITE,
        params: JourneyIdParams,
      },
      async ({ params, principal, now }) => {
        const journey = await setJourneyEnabled(
          storage,
          params.id,
          enabled,
          actorOf(principal),
          now.toISOString(),
        );
        return { journey: journeyWithSource(journey) };
      },
    );
  }

  table.define(
    {
      method: 'POST',
      url: '/api/journeys/:id/simulate',
      summary:
        'Simulate a journey on the customers its trigger and audience would take if enabled now: reach per step, messages, tasks, cost, exits',
      tag: 'journeys',
      // Counts over every customer: not for a sales rep, who sees only their own accounts.
      access: { kind: 'user', roles: ['admin', 'marketer', 'viewer'] },
      params: JourneyIdParams,
      body: SimulateBody,
    },
    async ({ params, body, now }) => {
      const journey = await journeyOr404(storage, params.id);
      return simulateStoredJourney(storage, journey, now, body.assumptions);
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/journeys/:id/enrol',
      summary:
        'Add customers to a journey by hand, whatever its trigger (already in it: skipped; unknown, merged or do-not-contact: rejected)',
      tag: 'journeys',
      access: WRITE,
      params: JourneyIdParams,
      body: EnrolBody,
    },
    async ({ params, body, principal, now }) => {
      const journey = await journeyOr404(storage, params.id);
      const result = await enrolCustomers(storage, journey, body.customer_ids, now);
      await recordAudit(storage, {
        at: now.toISOString(),
        actor: actorOf(principal),
        action: 'journey.enrol',
        entity: 'journey',
        entityId: `${journey.id}@${journey.version}`,
        details: {
          requested: body.customer_ids.length,
          enrolled: result.enrolled,
          skipped: result.skipped,
          rejected: result.rejected.length,
        },
      });
      return result;
    },
  );
}
