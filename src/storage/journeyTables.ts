/**
 * Row types of the act tables (migration 015_journeys), as Kysely sees them, and the database
 * type the journey, message and template queries share.
 */
import type { Generated, Kysely } from 'kysely';
import type { AnalysisDatabase } from './analysisQueries.js';
import type { Storage } from './storage.js';
import type { TasksTable } from './taskQueries.js';

export interface JourneysTable {
  id: string;
  name: string;
  source: string;
  format: 'json' | 'yaml';
  /** The validated JourneyDefinition as JSON. */
  definition: string;
  version: number;
  enabled: number;
  enabled_at: string | null;
  /** 1: installed from the shipped library (not yet changed by a person). */
  shipped: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

export interface JourneyEnrolmentsTable {
  id: Generated<number>;
  journey_id: string;
  customer_id: string;
  journey_version: number;
  step_id: string | null;
  state: 'active' | 'completed' | 'exited';
  due_at: string;
  entered_at: string;
  updated_at: string;
  variant: string | null;
  exit_reason: string | null;
}

export interface JourneyStepLogTable {
  id: Generated<number>;
  journey_id: string;
  customer_id: string;
  step_id: string;
  outcome: string | null;
  at: string;
}

export interface MessageTemplatesTable {
  id: string;
  locale: 'ja' | 'en';
  channel: 'email' | 'sms' | 'dm';
  name: string;
  subject: string | null;
  body: string;
  coupon_days: number | null;
  version: number;
  updated_at: string;
  updated_by: string;
}

export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'held',
  'failed',
  'suppressed',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface MessagesTable {
  id: Generated<number>;
  idempotency_key: string;
  customer_id: string;
  journey_id: string | null;
  step_id: string | null;
  template_id: string;
  channel: 'email' | 'sms' | 'dm';
  locale: string;
  to_address: string | null;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  status: MessageStatus;
  status_reason: string | null;
  variant: string | null;
  coupon_code: string | null;
  coupon_expires: string | null;
  created_at: string;
  due_at: string;
  sent_at: string | null;
  attempts: number;
  provider_id: string | null;
  last_error: string | null;
}

interface SettingsTable {
  id: Generated<number>;
  key: string;
  version: number;
  value: string;
  created_at: string;
  created_by: string;
}

interface ReapproachFlagsTable {
  id: Generated<number>;
  customer_id: string;
  change_id: string;
  flagged_at: string;
  run_id: number;
  reason_category: string;
  confidence: number;
  scope: string;
  is_theme_confirmed: number;
  line: string;
}

interface SegmentsTable {
  id: Generated<number>;
  name: string;
  filter: string;
  created_by: string;
  created_at: string;
  last_count: number | null;
  counted_at: string | null;
}

export type ActDatabase = AnalysisDatabase & {
  journeys: JourneysTable;
  journey_enrolments: JourneyEnrolmentsTable;
  journey_step_log: JourneyStepLogTable;
  message_templates: MessageTemplatesTable;
  messages: MessagesTable;
  tasks: TasksTable & { source_key: string | null };
  settings: SettingsTable;
  reapproach_flags: ReapproachFlagsTable;
  segments: SegmentsTable;
};

export function actDb(storage: Storage): Kysely<ActDatabase> {
  return storage.db as unknown as Kysely<ActDatabase>;
}

/** Splits a list into parts of at most `size` (bound-parameter limits, batch writes). */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
