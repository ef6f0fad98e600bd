/**
 * The API client: JSON in and out, the CSRF header on every state-changing request, and
 * one error type carrying the server's code, message and field.
 */
import type {
  EnrolResult,
  JourneyDetail,
  JourneyFormat,
  JourneySimulation,
  JourneySummary,
  JourneyValidation,
  MessageTemplate,
  OutboxList,
  OutboxMessageDetail,
  RenderedMessage,
  RunnerResult,
  TemplateDetail,
  TemplateSummary,
} from './actTypes';
import type {
  AtRiskOrder,
  CohortReport,
  DashboardAnalysis,
  KpiGrouping,
  KpiReport,
  NewlyDormantList,
  ReapproachList,
  ReasonBreakdown,
  ReasonsReport,
} from './reportTypes';

export type Role = 'admin' | 'marketer' | 'sales_rep' | 'viewer';

export interface User {
  id: number;
  email: string;
  display_name: string;
  role: Role;
  owner_key: string | null;
  created_at: string;
  disabled: boolean;
  has_password: boolean;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface CountByKey {
  key: string;
  count: number;
}

export interface Dashboard {
  customers: number;
  orders: number;
  revenue: number;
  contactsLeft: number;
  lastOrderAt: string | null;
  analysisAvailable: boolean;
}

export interface CustomerListItem {
  customer_id: string;
  name: string;
  kind: string;
  prefecture: string | null;
  industry: string | null;
  owner: string | null;
  last_order_at: string | null;
  order_count: number;
  revenue: number;
  analysis: Record<string, string | number | null> | null;
}

export interface CustomerList {
  total: number;
  items: CustomerListItem[];
  analysisAvailable: boolean;
  page: number;
  page_size: number;
}

export interface Facets {
  owners: string[];
  industries: string[];
  prefectures: string[];
}

export interface Contact {
  contact_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  department: string | null;
  role: string | null;
  status: 'active' | 'left' | null;
  updated_at: string | null;
}

export interface Order {
  order_id: string;
  ordered_at: string;
  amount: number;
  product: string | null;
  category: string | null;
  quantity: number | null;
  channel: string | null;
  is_refund: number;
}

export interface CustomerEvent {
  event_id: string;
  type: string;
  occurred_at: string;
  channel: string | null;
  campaign: string | null;
  text: string | null;
}

export interface ReasonOverride {
  id: number;
  category: string;
  note: string | null;
  created_at: string;
  user_name: string | null;
}

export interface Customer360 {
  profile: {
    customer_id: string;
    name: string;
    kind: string;
    email: string | null;
    phone: string | null;
    prefecture: string | null;
    address: string | null;
    industry: string | null;
    employees: number | null;
    owner: string | null;
    created_at: string | null;
    email_opt_in: number | null;
    do_not_contact: number | null;
  };
  contacts: Contact[];
  orders: Order[];
  orderMonths: { month: string; amount: number; orders: number }[];
  events: CustomerEvent[];
  reasonOverrides: ReasonOverride[];
  analysis: Record<string, unknown> | null;
  /** The score per criterion behind the rank (null until the customer is scored). */
  scoreBreakdown: ScoreBreakdownEntry[] | null;
  statusHistory: Record<string, unknown>[];
  analysisAvailable: boolean;
}

export interface ScoreBreakdownEntry {
  criterion: string;
  value: number | string | null;
  points: number;
  weight: number;
  weighted: number;
}

export interface ImportSummary {
  kind: string;
  file: string;
  rows: number;
  accepted: number;
  rejected: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** POST /api/imports/:kind/preview: what the import would read from the file's start. */
export interface ImportPreview {
  kind: string;
  encoding: string;
  has_bom: boolean;
  layout: 'csv' | 'jsonl' | 'json';
  header: string[];
  rows: string[][];
  proposed: { source: string; column: string | null }[];
  columns: { name: string; required: boolean; label_ja: string | null }[];
  required_groups: string[][];
  missing_required: string[];
}

/** Source header → canonical column, or null to ignore it. */
export type ColumnMapping = Record<string, string | null>;

export interface ImportJob {
  id: string;
  kind: string;
  file: string;
  status: 'running' | 'done' | 'failed';
  started_at: string;
  finished_at: string | null;
  progress: { rowsRead: number; bytesRead: number; totalBytes: number } | null;
  summary: ImportSummary | null;
  error: string | null;
  has_rejects: boolean;
}

export interface ApiToken {
  id: number;
  name: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const TASK_OUTCOMES = [
  'connected',
  'no_answer',
  'callback_requested',
  'appointment',
  'visited',
  'not_interested',
  'won_back',
  'wrong_contact',
  'do_not_contact',
] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];
export type TaskKind = 'call' | 'visit';
export type ScriptStep = 'opening' | 'bridge' | 'offer' | 'ask' | 'closing';

export interface TalkScript {
  offer: string;
  lines: { step: ScriptStep; text: string }[];
  notes: string[];
}

export interface Task {
  id: number;
  customer_id: string;
  customer_name: string;
  owner: string | null;
  kind: TaskKind;
  due_on: string;
  priority: number;
  status: 'open' | 'done' | 'cancelled';
  reason_category: string | null;
  outcome: TaskOutcome | null;
  note: string | null;
  logged_by: string | null;
  logged_at: string | null;
  follow_up_of: number | null;
  created_at: string;
  script: { ja: TalkScript; en: TalkScript } | null;
  context: {
    last_purchase_day: string | null;
    last_product: string | null;
    months_since: number | null;
    evidence: string[];
    improvement: string | null;
    contact_name: string | null;
    former_contact_name: string | null;
  } | null;
  customer: {
    prefecture: string | null;
    address: string | null;
    phone: string | null;
    status: string | null;
    rank: string | null;
    expected_value: number | null;
    recommended_channels: string[] | null;
  };
}

export interface VisitRoute {
  date: string;
  base: { lat?: number; lng?: number; prefecture: string | null } | null;
  total_km: number;
  nearest_neighbour_km: number;
  stops: { order: number; leg_km: number; placed_by: 'coordinates' | 'prefecture'; task: Task }[];
  unplaced: Task[];
}

export interface LevelDescription {
  level: string;
  label: string;
  rule: string;
  description: string;
}

export interface DefinitionSettings {
  version: number | null;
  definition: Record<string, unknown> & { name: string; description?: string | null };
  created_at: string | null;
  created_by: string | null;
  is_active: boolean;
  levels: { ja: LevelDescription[]; en: LevelDescription[] };
}

export interface DefinitionSuggestion {
  as_of: string;
  basis: 'data' | 'preset';
  definition: Record<string, unknown>;
  reasoning: { code: string; ja: string; en: string }[];
  levels: { ja: LevelDescription[]; en: LevelDescription[] };
}

export const CRITERIA = [
  'past_value',
  'dormancy_length',
  'reason_solvability',
  'competitor_use',
  'geographic_proximity',
  'digital_responsiveness',
] as const;
export type Criterion = (typeof CRITERIA)[number];

export interface ScoringConfig {
  weights: Record<Criterion, number>;
  ranks: { A: number; B: number; C: number };
  [section: string]: unknown;
}

export interface ScoringSettings {
  version: number | null;
  config: ScoringConfig;
  defaults: ScoringConfig;
  created_at: string | null;
  created_by: string | null;
}

export const CHANNEL_KEYS = ['visit', 'phone', 'dm', 'email', 'sms'] as const;
export type ChannelKey = (typeof CHANNEL_KEYS)[number];
export const CONSENT_RULES = ['opt_in', 'opt_out', 'never'] as const;
export type ConsentRule = (typeof CONSENT_RULES)[number];
export const CONSENT_KINDS = ['company', 'person'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** Channel costs and consent policy as the server validates them (src/core/prioritise/channelConfig.ts). */
export interface ChannelConfig {
  channels: Record<
    ChannelKey,
    {
      cost_yen: number;
      rep_minutes: number;
      reactivation_rate: number;
      consent: Record<ConsentKind, ConsentRule>;
    }
  >;
}

export interface ChannelSettings {
  version: number | null;
  config: ChannelConfig;
  defaults: ChannelConfig;
  created_at: string | null;
  created_by: string | null;
}

/** A segment filter as the server validates it (src/core/prioritise/segmentFilter.ts). */
export interface SegmentFilter {
  status?: string[];
  rank?: string[];
  reason?: string[];
  owner?: string[];
  main_category?: string[];
  health_level?: string[];
  industry?: string[];
  prefecture?: string[];
  kind?: string[];
  reason_resolved?: boolean;
  gap_alert?: boolean;
  ranges?: Record<string, { min?: number; max?: number }>;
}

export interface SegmentFields {
  lists: Record<string, string[]>;
  ranges: string[];
  flags: string[];
}

export interface SegmentMember {
  customer_id: string;
  name: string;
  status: string;
  owner: string | null;
  rank: string | null;
  score: number | null;
  reason_category: string | null;
  expected_value: number | null;
  days_since_last_purchase: number | null;
  p_alive: number | null;
  prefecture: string | null;
  industry: string | null;
}

export interface AnalysisInfo {
  run_id: number;
  as_of: string;
}

export interface Segment {
  id: number;
  name: string;
  filter: SegmentFilter;
  description: string;
  /** In the caller's scope; null when the stored filter no longer validates (see `invalid`). */
  count: number | null;
  stored_count: number | null;
  counted_at: string | null;
  created_by: string;
  created_at: string;
  invalid?: boolean;
}

export interface SegmentDetail extends Segment {
  analysis: AnalysisInfo | null;
  customers: { items: SegmentMember[]; total: number; page: number; page_size: number };
}

export interface SegmentPreview {
  analysis: AnalysisInfo | null;
  count: number;
  description: string;
  customers: SegmentMember[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function request<T>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    payload = body;
  } else if (body !== undefined) {
    allHeaders['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) allHeaders['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers: allHeaders,
    body: payload,
    credentials: 'same-origin',
  });
  const text = await response.text();
  const json = text === '' ? null : (JSON.parse(text) as unknown);
  if (!response.ok) {
    const error = (
      json as {
        error?: {
          code?: string;
          message?: string;
          field?: string;
          issues?: { field: string; message: string }[];
        };
      } | null
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'unknown',
      error?.message ?? response.statusText,
      error?.field,
      error?.issues ?? [],
    );
  }
  return json as T;
}

export const api = {
  me: () => request<Session>('GET', '/api/auth/me'),
  login: (email: string, password: string) =>
    request<Session>('POST', '/api/auth/login', { email, password }),
  linkLogin: (token: string) => request<Session>('POST', '/api/auth/link', { token }),
  logout: () => request<{ ok: true }>('POST', '/api/auth/logout'),
  dashboard: () => request<Dashboard>('GET', '/api/dashboard'),
  dashboardAnalysis: (atRiskBy: AtRiskOrder) =>
    request<DashboardAnalysis>('GET', `/api/dashboard/analysis?at_risk_by=${atRiskBy}`),
  newlyDormant: () => request<NewlyDormantList>('GET', '/api/dashboard/newly-dormant'),
  reasonsReport: (by: ReasonBreakdown) => request<ReasonsReport>('GET', `/api/reports/reasons?by=${by}`),
  reapproach: () => request<ReapproachList>('GET', '/api/reports/reapproach'),
  cohorts: () => request<{ report: CohortReport | null }>('GET', '/api/reports/cohorts'),
  kpiReport: (by: KpiGrouping) => request<KpiReport>('GET', `/api/reports/kpi?by=${by}`),
  customers: (query: URLSearchParams) => request<CustomerList>('GET', `/api/customers?${query}`),
  facets: () => request<Facets>('GET', '/api/customers/facets'),
  customer: (id: string) => request<Customer360>('GET', `/api/customers/${encodeURIComponent(id)}`),
  overrideReason: (id: string, category: string, note: string) =>
    request<ReasonOverride>('POST', `/api/customers/${encodeURIComponent(id)}/reason`, { category, note }),
  previewImport: (kind: string, file: File, maxBytes: number) =>
    request<ImportPreview>(
      'POST',
      `/api/imports/${kind}/preview?size=${file.size}`,
      file.slice(0, maxBytes),
      { 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(file.name) },
    ),
  startImport: (kind: string, file: File, mapping?: ColumnMapping) =>
    request<ImportJob>(
      'POST',
      `/api/imports/${kind}${mapping ? `?mapping=${encodeURIComponent(JSON.stringify(mapping))}` : ''}`,
      file,
      { 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(file.name) },
    ),
  importJob: (id: string) => request<ImportJob>('GET', `/api/imports/${id}`),
  imports: () => request<{ items: ImportJob[] }>('GET', '/api/imports'),
  users: () => request<{ items: User[] }>('GET', '/api/users'),
  createUser: (user: {
    email: string;
    display_name: string;
    role: Role;
    owner_key?: string | null;
    password?: string;
  }) => request<User>('POST', '/api/users', user),
  updateUser: (id: number, changes: Partial<{ role: Role; owner_key: string | null; disabled: boolean }>) =>
    request<User>('PATCH', `/api/users/${id}`, changes),
  tokens: () => request<{ items: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (name: string, scopes: string[]) =>
    request<{ id: number; token: string }>('POST', '/api/tokens', { name, scopes }),
  revokeToken: (id: number) => request<{ ok: true }>('DELETE', `/api/tokens/${id}`),
  tasks: (query: URLSearchParams) => request<{ items: Task[] }>('GET', `/api/tasks?${query}`),
  generateTasks: () =>
    request<{ created: number; already_open: number; candidates: number }>('POST', '/api/tasks/generate'),
  logOutcome: (id: number, body: { outcome: TaskOutcome; note?: string; follow_up_on?: string | null }) =>
    request<{ task: Task; followUp: Task | null }>('POST', `/api/tasks/${id}/outcome`, body),
  visitRoute: (query: URLSearchParams) => request<VisitRoute>('GET', `/api/tasks/route?${query}`),
  definitionSettings: () => request<DefinitionSettings>('GET', '/api/settings/definition'),
  definitionSuggestion: () => request<DefinitionSuggestion>('GET', '/api/settings/definition/suggestion'),
  saveDefinition: (definition: Record<string, unknown>) =>
    request<DefinitionSettings>('PUT', '/api/settings/definition', definition),
  scoringSettings: () => request<ScoringSettings>('GET', '/api/settings/scoring'),
  saveScoring: (config: ScoringConfig) => request<ScoringSettings>('PUT', '/api/settings/scoring', config),
  channelSettings: () => request<ChannelSettings>('GET', '/api/settings/channels'),
  saveChannels: (config: ChannelConfig) => request<ChannelSettings>('PUT', '/api/settings/channels', config),
  segments: () => request<{ analysis: AnalysisInfo | null; items: Segment[] }>('GET', '/api/segments'),
  segmentFields: () => request<SegmentFields>('GET', '/api/segments/fields'),
  segment: (id: number, query: URLSearchParams) =>
    request<SegmentDetail>('GET', `/api/segments/${id}?${query}`),
  previewSegment: (filter: SegmentFilter, limit = 10) =>
    request<SegmentPreview>('POST', '/api/segments/preview', { filter, limit }),
  createSegment: (name: string, filter: SegmentFilter) =>
    request<Segment>('POST', '/api/segments', { name, filter }),
  updateSegment: (id: number, name: string, filter: SegmentFilter) =>
    request<Segment>('PUT', `/api/segments/${id}`, { name, filter }),
  deleteSegment: (id: number) =>
    request<{ ok: true; id: number; name: string }>('DELETE', `/api/segments/${id}`),
  loginLink: (id: number) =>
    request<{ path: string; expires_at: string }>('POST', `/api/users/${id}/login-link`),
  journeys: () => request<{ journeys: JourneySummary[] }>('GET', '/api/journeys'),
  journey: (id: string) => request<JourneyDetail>('GET', `/api/journeys/${encodeURIComponent(id)}`),
  validateJourney: (source: string, format: JourneyFormat) =>
    request<JourneyValidation>('POST', '/api/journeys/validate', { source, format }),
  saveJourney: (id: string, source: string, format: JourneyFormat) =>
    request<{ journey: JourneyDetail['journey'] }>('PUT', `/api/journeys/${encodeURIComponent(id)}`, {
      source,
      format,
    }),
  setJourneyEnabled: (id: string, enabled: boolean) =>
    request<{ journey: JourneyDetail['journey'] }>(
      'POST',
      `/api/journeys/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`,
    ),
  simulateJourney: (id: string) =>
    request<JourneySimulation>('POST', `/api/journeys/${encodeURIComponent(id)}/simulate`, {}),
  enrolJourney: (id: string, customerIds: string[]) =>
    request<EnrolResult>('POST', `/api/journeys/${encodeURIComponent(id)}/enrol`, {
      customer_ids: customerIds,
    }),
  runJourneys: () => request<RunnerResult>('POST', '/api/journeys/run', {}),
  templates: () => request<{ templates: TemplateSummary[] }>('GET', '/api/templates'),
  template: (id: string, locale: string) =>
    request<TemplateDetail>('GET', `/api/templates/${encodeURIComponent(id)}/${encodeURIComponent(locale)}`),
  saveTemplate: (template: MessageTemplate) =>
    request<TemplateDetail>(
      'PUT',
      `/api/templates/${encodeURIComponent(template.id)}/${encodeURIComponent(template.locale)}`,
      template,
    ),
  previewTemplate: (template: MessageTemplate, customerId: string) =>
    request<RenderedMessage>('POST', '/api/templates/preview', { template, customer_id: customerId }),
  outbox: (query: URLSearchParams) => request<OutboxList>('GET', `/api/outbox?${query}`),
  outboxMessage: (id: number) => request<{ message: OutboxMessageDetail }>('GET', `/api/outbox/${id}`),
};
