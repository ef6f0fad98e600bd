/**
 * Journeys, enrolments and the step log (migration 015_journeys).
 *
 * Functions: listJourneys, getJourney, saveJourney, setJourneyEnabled, installJourneys,
 * enabledJourneys, insertEnrolments, dueEnrolments, updateEnrolments, insertStepLog,
 * journeyMonitor, enrolmentsOf.
 *
 * A journey is stored as written (source + format) with its validated definition; callers
 * validate with the core's parseJourneySource before saving. Every save is a new version with
 * an audit row, in one transaction. Enrolments are unique per (journey, customer): inserting
 * one that exists is a no-op, which is what makes enrolling idempotent.
 */
import { type Kysely, sql } from 'kysely';
import type { Enrolment, JourneyDefinition } from '../core/act/journeyTypes.js';
import { AppError } from '../core/errors.js';
import { type ActDatabase, actDb, chunked, type JourneysTable } from './journeyTables.js';
import type { Storage } from './storage.js';

export interface StoredJourney {
  id: string;
  name: string;
  description: string | null;
  trigger_type: JourneyDefinition['trigger']['type'];
  source: string;
  format: 'json' | 'yaml';
  definition: JourneyDefinition;
  version: number;
  enabled: boolean;
  enabled_at: string | null;
  shipped: boolean;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

export interface JourneySummary {
  id: string;
  name: string;
  description: string | null;
  trigger_type: JourneyDefinition['trigger']['type'];
  enabled: boolean;
  version: number;
  shipped: boolean;
  updated_at: string;
  active: number;
  completed: number;
  exited: number;
}

function toStored(row: JourneysTable): StoredJourney {
  const definition = JSON.parse(row.definition) as JourneyDefinition;
  return {
    id: row.id,
    name: row.name,
    description: definition.description ?? null,
    trigger_type: definition.trigger.type,
    source: row.source,
    format: row.format,
    definition,
    version: Number(row.version),
    enabled: Number(row.enabled) === 1,
    enabled_at: row.enabled_at,
    shipped: Number(row.shipped) === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
  };
}

/** Every journey with its enrolment counts by state, by id. */
export async function listJourneys(storage: Storage): Promise<JourneySummary[]> {
  const db = actDb(storage);
  const [rows, counts] = await Promise.all([
    db.selectFrom('journeys').selectAll().orderBy('id').execute(),
    db
      .selectFrom('journey_enrolments')
      .select(['journey_id', 'state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy(['journey_id', 'state'])
      .execute(),
  ]);
  const byJourney = new Map<string, Record<string, number>>();
  for (const c of counts) {
    const entry = byJourney.get(c.journey_id) ?? {};
    entry[c.state] = Number(c.n);
    byJourney.set(c.journey_id, entry);
  }
  return rows.map((row) => {
    const j = toStored(row);
    const n = byJourney.get(j.id) ?? {};
    return {
      id: j.id,
      name: j.name,
      description: j.description,
      trigger_type: j.trigger_type,
      enabled: j.enabled,
      version: j.version,
      shipped: j.shipped,
      updated_at: j.updated_at,
      active: n.active ?? 0,
      completed: n.completed ?? 0,
      exited: n.exited ?? 0,
    };
  });
}

/** One journey, or null. */
export async function getJourney(storage: Storage, id: string): Promise<StoredJourney | null> {
  const row = await actDb(storage).selectFrom('journeys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toStored(row) : null;
}

/** The enabled journeys, by id. */
export async function enabledJourneys(storage: Storage): Promise<StoredJourney[]> {
  const rows = await actDb(storage)
    .selectFrom('journeys')
    .selectAll()
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map(toStored);
}

export interface JourneyInput {
  /** Validated by parseJourneySource; its id is the journey's id. */
  definition: JourneyDefinition;
  source: string;
  format: 'json' | 'yaml';
  actor: string;
  at: string;
}

/**
 * Stores a journey as a new version (a new id creates it, disabled) with its audit row. An
 * enabled journey stays enabled: its active enrolments continue on the new version.
 */
export async function saveJourney(storage: Storage, input: JourneyInput): Promise<StoredJourney> {
  const { definition, source, format, actor, at } = input;
  const id = definition.id;
  await actDb(storage)
    .transaction()
    .execute(async (trx) => {
      const existing = await trx
        .selectFrom('journeys')
        .select(['version'])
        .where('id', '=', id)
        .executeTakeFirst();
      const version = Number(existing?.version ?? 0) + 1;
      if (existing) {
        await trx
          .updateTable('journeys')
          .set({
            name: definition.name,
            source,
            format,
            definition: JSON.stringify(definition),
            version,
            shipped: 0,
            updated_at: at,
            updated_by: actor,
          })
          .where('id', '=', id)
          .execute();
      } else {
        await trx
          .insertInto('journeys')
          .values({
            id,
            name: definition.name,
            source,
            format,
            definition: JSON.stringify(definition),
            version,
            enabled: 0,
            enabled_at: null,
            shipped: 0,
            created_at: at,
            updated_at: at,
            updated_by: actor,
          })
          .execute();
      }
      await trx
        .insertInto('audit_log')
        .values({
          at,
          actor,
          action: existing ? 'journey.update' : 'journey.create',
          entity: 'journey',
          entity_id: `${id}@${version}`,
          details: JSON.stringify({ id, version, format, steps: definition.steps.length }),
        })
        .execute();
    });
  return (await getJourney(storage, id)) as StoredJourney;
}

/**
 * Enables or disables a journey (with its audit row). Enabling sets enabled_at: a status trigger
 * takes customers whose status changed from then on, not the whole backlog of the past.
 */
export async function setJourneyEnabled(
  storage: Storage,
  id: string,
  enabled: boolean,
  actor: string,
  at: string,
): Promise<StoredJourney> {
  await actDb(storage)
    .transaction()
    .execute(async (trx) => {
      const row = await trx
        .selectFrom('journeys')
        .select(['enabled', 'version'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', `journey '${id}' does not exist (mezame journey list)`);
      if ((Number(row.enabled) === 1) === enabled) return;
      await trx
        .updateTable('journeys')
        .set(enabled ? { enabled: 1, enabled_at: at } : { enabled: 0 })
        .where('id', '=', id)
        .execute();
      await trx
        .insertInto('audit_log')
        .values({
          at,
          actor,
          action: enabled ? 'journey.enable' : 'journey.disable',
          entity: 'journey',
          entity_id: `${id}@${row.version}`,
          details: null,
        })
        .execute();
    });
  return (await getJourney(storage, id)) as StoredJourney;
}

/**
 * Installs journeys that are not in the database yet (the shipped library), disabled until a
 * person enables them. Existing ids are left alone, changed or not. Returns how many were added.
 */
export async function installJourneys(
  storage: Storage,
  journeys: readonly { definition: JourneyDefinition; source: string; format: 'json' | 'yaml' }[],
  at: string,
): Promise<number> {
  if (journeys.length === 0) return 0;
  const result = await actDb(storage)
    .insertInto('journeys')
    .values(
      journeys.map((j) => ({
        id: j.definition.id,
        name: j.definition.name,
        source: j.source,
        format: j.format,
        definition: JSON.stringify(j.definition),
        version: 1,
        enabled: 0,
        enabled_at: null,
        shipped: 1,
        created_at: at,
        updated_at: at,
        updated_by: 'mezame',
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

// ---- enrolments -------------------------------------------------------------------------

/** An enrolment as stored: the engine's shape plus its row id and the journey version it entered. */
export interface StoredEnrolment extends Enrolment {
  id: number;
  journeyVersion: number;
}

type EnrolmentRow = ActDatabase['journey_enrolments'];

function toEnrolment(row: {
  id: number;
  journey_id: string;
  customer_id: string;
  journey_version: number;
  step_id: string | null;
  state: EnrolmentRow['state'];
  due_at: string;
  entered_at: string;
  variant: string | null;
  exit_reason: string | null;
}): StoredEnrolment {
  return {
    id: Number(row.id),
    journeyId: row.journey_id,
    customerId: row.customer_id,
    journeyVersion: Number(row.journey_version),
    stepId: row.step_id,
    state: row.state,
    dueAt: row.due_at,
    enteredAt: row.entered_at,
    variant: row.variant,
    exitReason: row.exit_reason as Enrolment['exitReason'],
  };
}

const ENROLMENT_COLUMNS = [
  'id',
  'journey_id',
  'customer_id',
  'journey_version',
  'step_id',
  'state',
  'due_at',
  'entered_at',
  'variant',
  'exit_reason',
] as const;

/**
 * Inserts enrolments; a (journey, customer) pair already enrolled, in any state, is skipped.
 * Returns how many were added. Takes a database or a transaction.
 */
export async function insertEnrolments(
  db: Kysely<ActDatabase>,
  enrolments: readonly (Enrolment & { journeyVersion: number })[],
  at: string,
): Promise<number> {
  let inserted = 0;
  for (const part of chunked(enrolments, 500)) {
    const result = await db
      .insertInto('journey_enrolments')
      .values(
        part.map((e) => ({
          journey_id: e.journeyId,
          customer_id: e.customerId,
          journey_version: e.journeyVersion,
          step_id: e.stepId,
          state: e.state,
          due_at: e.dueAt,
          entered_at: e.enteredAt,
          updated_at: at,
          variant: e.variant,
          exit_reason: e.exitReason,
        })),
      )
      .onConflict((oc) => oc.columns(['journey_id', 'customer_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** Where a batch read of due enrolments continues: after this (due_at, id). */
export interface EnrolmentCursor {
  dueAt: string;
  id: number;
}

/**
 * Active enrolments of these journeys due at `now`, in (due_at, id) order after the cursor:
 * a run reads them batch by batch along the (state, due_at, id) index.
 */
export async function dueEnrolments(
  storage: Storage,
  options: { now: string; journeyIds: readonly string[]; after?: EnrolmentCursor | null; limit: number },
): Promise<StoredEnrolment[]> {
  if (options.journeyIds.length === 0) return [];
  let query = actDb(storage)
    .selectFrom('journey_enrolments')
    .select(ENROLMENT_COLUMNS)
    .where('state', '=', 'active')
    .where('due_at', '<=', options.now)
    .where('journey_id', 'in', [...options.journeyIds]);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('due_at', '>', after.dueAt),
        eb.and([eb('due_at', '=', after.dueAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('due_at').orderBy('id').limit(options.limit).execute();
  return rows.map(toEnrolment);
}

/** Event types that count as the customer answering (a reply hands them to sales). */
export const REPLY_EVENT_TYPES = ['inquiry', 'email_reply', 'reply'] as const;

/**
 * Active enrolments that are waiting (not due) although their customer may have left the
 * journey since entering: a purchase, an unsubscribe or a reply dated on or after the day they
 * entered. The runner lets the engine look at them at once (it decides exactly; this only picks
 * who to look at), so a reply reaches sales the same day instead of when the wait ends.
 */
export async function waitingEnrolmentsWithExitEvidence(
  storage: Storage,
  options: { now: string; journeyIds: readonly string[]; afterId: number; limit: number },
): Promise<StoredEnrolment[]> {
  if (options.journeyIds.length === 0) return [];
  const exitTypes = ['unsubscribe', ...REPLY_EVENT_TYPES];
  const rows = await actDb(storage)
    .selectFrom('journey_enrolments as e')
    .select(ENROLMENT_COLUMNS.map((c) => `e.${c}` as const))
    .where('e.state', '=', 'active')
    .where('e.due_at', '>', options.now)
    .where('e.journey_id', 'in', [...options.journeyIds])
    .where('e.id', '>', options.afterId)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('orders as o')
            .select(sql`1`.as('one'))
            .whereRef('o.customer_id', '=', 'e.customer_id')
            .where('o.is_refund', '=', 0)
            .where('o.ordered_at', '>=', sql<string>`substr(e.entered_at, 1, 10)`)
            .where('o.ordered_at', '<=', options.now),
        ),
        eb.exists(
          eb
            .selectFrom('events as v')
            .select(sql`1`.as('one'))
            .whereRef('v.customer_id', '=', 'e.customer_id')
            .where('v.type', 'in', exitTypes)
            .where('v.occurred_at', '>=', sql<string>`substr(e.entered_at, 1, 10)`)
            .where('v.occurred_at', '<=', options.now),
        ),
      ]),
    )
    .orderBy('e.id')
    .limit(options.limit)
    .execute();
  return rows.map(toEnrolment);
}

/** Enrolments of one journey (tests, the CLI), optionally of some customers. */
export async function enrolmentsOf(
  storage: Storage,
  journeyId: string,
  customerIds?: readonly string[],
): Promise<StoredEnrolment[]> {
  let query = actDb(storage)
    .selectFrom('journey_enrolments')
    .select(ENROLMENT_COLUMNS)
    .where('journey_id', '=', journeyId);
  if (customerIds) {
    if (customerIds.length === 0) return [];
    query = query.where('customer_id', 'in', [...customerIds]);
  }
  return (await query.orderBy('id').execute()).map(toEnrolment);
}

/**
 * Writes the engine's new state of each enrolment in one statement per 500 rows (an UPDATE …
 * FROM a VALUES list, on both engines) and returns the ids written. An enrolment is written only
 * while it is still active and due at `readDueAt` (the due time it was read with): when two
 * processes advance the same batch, the second finds the rows moved on and writes nothing, so its
 * caller skips their actions. Takes a database or a transaction.
 */
export async function updateEnrolments(
  db: Kysely<ActDatabase>,
  enrolments: readonly (StoredEnrolment & { readDueAt: string })[],
  at: string,
): Promise<Set<number>> {
  const written = new Set<number>();
  for (const part of chunked(enrolments, 500)) {
    const values = sql.join(
      part.map(
        (e) =>
          sql`(cast(${e.id} as integer), ${e.stepId}, ${e.state}, ${e.dueAt}, ${e.variant}, ${e.exitReason}, ${e.readDueAt})`,
      ),
    );
    const result = await sql<{
      id: number | string;
    }>`with v (id, step_id, state, due_at, variant, exit_reason, read_due_at) as (values ${values})
      update journey_enrolments set step_id = v.step_id, state = v.state, due_at = v.due_at,
        variant = v.variant, exit_reason = v.exit_reason, updated_at = ${at}
      from v where journey_enrolments.id = v.id and journey_enrolments.state = 'active'
        and journey_enrolments.due_at = v.read_due_at
      returning journey_enrolments.id`.execute(db);
    for (const row of result.rows) written.add(Number(row.id));
  }
  return written;
}

export interface StepLogEntry {
  journeyId: string;
  customerId: string;
  stepId: string;
  outcome: string | null;
  at: string;
}

/** Appends to the step log (the monitor's "passed" counts). Takes a database or a transaction. */
export async function insertStepLog(
  db: Kysely<ActDatabase>,
  entries: readonly StepLogEntry[],
): Promise<void> {
  for (const part of chunked(entries, 1000)) {
    await db
      .insertInto('journey_step_log')
      .values(
        part.map((e) => ({
          journey_id: e.journeyId,
          customer_id: e.customerId,
          step_id: e.stepId,
          outcome: e.outcome,
          at: e.at,
        })),
      )
      .execute();
  }
}

export interface JourneyMonitor {
  /** Active enrolments waiting at each step (the step that runs next). */
  waiting: Record<string, number>;
  /** Customers who passed each step (step log rows). */
  passed: Record<string, number>;
  active: number;
  completed: number;
  exited: number;
  /** Exited enrolments by reason. */
  exits: Record<string, number>;
}

/** The monitor's counts for one journey: where customers wait, how many passed each step, how they left. */
export async function journeyMonitor(storage: Storage, journeyId: string): Promise<JourneyMonitor> {
  const db = actDb(storage);
  const [states, logged] = await Promise.all([
    db
      .selectFrom('journey_enrolments')
      .select(['state', 'step_id', 'exit_reason', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('journey_id', '=', journeyId)
      .groupBy(['state', 'step_id', 'exit_reason'])
      .execute(),
    db
      .selectFrom('journey_step_log')
      .select(['step_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('journey_id', '=', journeyId)
      .groupBy('step_id')
      .execute(),
  ]);
  const monitor: JourneyMonitor = { waiting: {}, passed: {}, active: 0, completed: 0, exited: 0, exits: {} };
  for (const r of states) {
    const n = Number(r.n);
    monitor[r.state] += n;
    if (r.state === 'active' && r.step_id !== null)
      monitor.waiting[r.step_id] = (monitor.waiting[r.step_id] ?? 0) + n;
    if (r.state === 'exited') {
      const reason = r.exit_reason ?? 'removed';
      monitor.exits[reason] = (monitor.exits[reason] ?? 0) + n;
    }
  }
  for (const r of logged) monitor.passed[r.step_id] = Number(r.n);
  return monitor;
}
