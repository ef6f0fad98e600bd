/**
 * The act capability as the web app reads it: journeys (src/core/act/journeyTypes.ts), message
 * templates (messageTypes.ts) and the outbox, in the JSON shapes of the journey, template and
 * outbox routes (src/server/routes/{journeyRoutes,templateRoutes,outboxRoutes}.ts).
 */

export const MESSAGE_CHANNELS = ['email', 'sms', 'dm'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export type JourneyFormat = 'json' | 'yaml';

export type JourneyTrigger =
  | { type: 'status_entered'; statuses: string[] }
  | {
      type: 'behaviour';
      event: string;
      url_contains?: string;
      min_count: number;
      within_days: number;
    }
  | { type: 'schedule'; every: 'month' | 'quarter' }
  | { type: 'manual' }
  | { type: 'change_resolved' };

export type BranchCondition =
  | { reaction: 'opened' | 'clicked' | 'responded'; step?: string }
  | { reason: string[] }
  | { rank: string[] }
  | { status: string[] };

export type JourneyStep =
  | { id: string; type: 'send'; channel: MessageChannel; template: string; next?: string }
  | { id: string; type: 'task'; kind: 'call' | 'visit'; next?: string; note?: string }
  | { id: string; type: 'wait'; days: number; next?: string }
  | { id: string; type: 'branch'; if: BranchCondition; then: string; else: string }
  | { id: string; type: 'split'; variants: { name: string; weight: number; next: string }[] }
  | { id: string; type: 'holdout'; percent: number; next?: string };

export interface JourneyDefinition {
  id: string;
  name: string;
  description?: string;
  trigger: JourneyTrigger;
  audience?: { statuses?: string[]; ranks?: string[]; reasons?: string[]; segment_id?: number };
  exit_on?: string[];
  steps: JourneyStep[];
}

export interface JourneySummary {
  id: string;
  name: string;
  description: string | null;
  trigger_type: JourneyTrigger['type'];
  enabled: boolean;
  version: number;
  updated_at: string | null;
  active: number;
  completed: number;
  exited: number;
}

export interface JourneyMonitor {
  steps: { id: string; type: string; label_ja: string; label_en: string; waiting: number; passed: number }[];
  active: number;
  completed: number;
  exited: number;
  exits: Record<string, number>;
}

export interface JourneyDetail {
  journey: {
    id: string;
    name: string;
    description: string | null;
    enabled: boolean;
    version: number;
    format: JourneyFormat;
    source: string;
    definition: JourneyDefinition;
  };
  monitor: JourneyMonitor;
}

export interface SourceIssue {
  path: string;
  message: string;
  /** 1-based line in the source, when known. */
  line?: number;
}

export type JourneyValidation =
  | { ok: true; definition: JourneyDefinition }
  | { ok: false; issues: SourceIssue[] };

export interface JourneySimulation {
  entrants: number;
  steps: { id: string; type: string; label_ja: string; label_en: string; reach: number; day: number }[];
  messages: Record<MessageChannel, number>;
  tasks: { call: number; visit: number };
  cost_yen: number;
  expected_exits: Record<string, number>;
  assumptions: Record<string, number>;
}

/** Customers added by hand: already in the journey = skipped; unknown, merged or do-not-contact = rejected. */
export interface EnrolResult {
  enrolled: number;
  skipped: number;
  rejected?: { customer_id: string; reason: string }[];
}

export interface RunnerResult {
  enrolled: number;
  advanced: number;
  steps: number;
  queued: number;
  tasks: number;
  sent: number;
  held: number;
  deferred: number;
  suppressed: number;
  failed: number;
}

export interface MessageTemplate {
  id: string;
  channel: MessageChannel;
  locale: 'ja' | 'en';
  name: string;
  subject: string | null;
  body: string;
  coupon_days?: number;
}

/** The placeholders a template may use (src/core/act/messageTypes.ts PLACEHOLDERS). */
export const PLACEHOLDERS = [
  'customer_name',
  'contact_name',
  'last_product',
  'last_purchase_date',
  'months_since',
  'reason_message',
  'coupon_code',
  'coupon_expires',
  'rep_name',
  'sender_name',
  'cta_url',
  'unsubscribe_url',
] as const;

export interface TemplateSummary {
  id: string;
  locale: 'ja' | 'en';
  channel: MessageChannel;
  name: string;
  subject: string | null;
  shipped: boolean;
  customised: boolean;
  updated_at: string | null;
}

/** A template in force beside the shipped text it overrides (null for the company's own); version null = shipped. */
export interface TemplateDetail {
  template: MessageTemplate;
  shipped: MessageTemplate | null;
  version?: number | null;
  updated_at?: string | null;
  updated_by?: string | null;
}

export interface RenderedMessage {
  channel: MessageChannel;
  locale: 'ja' | 'en';
  subject: string | null;
  text: string;
  html: string | null;
  couponCode: string | null;
  couponExpires: string | null;
  warnings: { code: string; message: { ja: string; en: string } }[];
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

export interface OutboxMessage {
  id: number;
  customer_id: string;
  customer_name: string | null;
  channel: MessageChannel;
  subject: string | null;
  status: string;
  status_reason: string | null;
  journey_id: string | null;
  step_id: string | null;
  template_id: string;
  created_at: string;
  sent_at: string | null;
}

export interface OutboxList {
  messages: OutboxMessage[];
  total: number;
  counts: { by_status: Record<string, number>; by_channel: Record<string, number> };
}

export interface OutboxMessageDetail extends OutboxMessage {
  to_address: string | null;
  body_text: string;
  body_html: string | null;
  /** The HTML as the recipient sees it (tracking removed), when the route provides it. */
  preview_html?: string | null;
  coupon_code: string | null;
  coupon_expires: string | null;
  events: { type: string; occurred_at: string }[];
}
