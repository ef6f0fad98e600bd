/**
 * Row types of every table, as Kysely sees them. Column names keep SPEC's snake_case.
 * Dates are ISO strings in both engines ('YYYY-MM-DD' for days, full ISO 8601 for instants),
 * so the same queries and comparisons work on SQLite and PostgreSQL.
 * Booleans are stored as 0/1 integers for the same reason.
 */
import type { Generated } from 'kysely';

export interface CustomersTable {
  customer_id: string;
  name: string;
  name_key: string;
  kind: 'company' | 'person';
  email: string | null;
  phone: string | null;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  industry: string | null;
  employees: number | null;
  owner: string | null;
  tags: string | null;
  created_at: string | null;
  email_opt_in: number | null;
  sms_opt_in: number | null;
  dm_ok: number | null;
  phone_ok: number | null;
  do_not_contact: number | null;
  /** Set when this record was merged (名寄せ) into another customer. */
  merged_into: string | null;
  import_batch_id: number | null;
}

export interface ContactsTable {
  contact_id: string;
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  department: string | null;
  role: string | null;
  status: 'active' | 'left' | null;
  updated_at: string | null;
  import_batch_id: number | null;
}

export interface OrdersTable {
  order_id: string;
  customer_id: string;
  ordered_at: string;
  amount: number;
  gross_margin: number | null;
  product: string | null;
  category: string | null;
  quantity: number | null;
  channel: string | null;
  /** 1 when the amount is negative: a refund, never counted as a purchase. */
  is_refund: number;
  import_batch_id: number | null;
}

export interface SubscriptionsTable {
  subscription_id: string;
  customer_id: string;
  plan: string | null;
  started_at: string;
  ended_at: string | null;
  mrr: number | null;
  cancel_reason: string | null;
  import_batch_id: number | null;
}

export interface EventsTable {
  event_id: string;
  customer_id: string;
  type: string;
  occurred_at: string;
  channel: string | null;
  campaign: string | null;
  url: string | null;
  text: string | null;
  value: number | null;
  properties: string | null;
  import_batch_id: number | null;
}

export interface ChangesTable {
  change_id: string;
  kind: 'price_increase' | 'price_decrease' | 'product_issue' | 'product_improvement' | 'staff_change';
  product: string | null;
  category: string | null;
  started_at: string;
  resolved_at: string | null;
  description: string | null;
  import_batch_id: number | null;
}

export interface ImportBatchesTable {
  id: Generated<number>;
  kind: string;
  file: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'done' | 'failed';
  rows: number;
  accepted: number;
  rejected: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  details: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  role: 'admin' | 'marketer' | 'sales_rep' | 'viewer';
  /** The customers.owner value a sales rep owns. */
  owner_key: string | null;
  password_hash: string | null;
  created_at: string;
  disabled: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value. */
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  csrf_token: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  /** Space-separated scopes: ingest, read. */
  scopes: string;
  created_by: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginLinksTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ReasonOverridesTable {
  id: Generated<number>;
  customer_id: string;
  category: string;
  note: string | null;
  user_id: number;
  created_at: string;
}

/** One `mezame demo` run; its presence marks the database as a demo that may be replaced. */
export interface DemoRunsTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'done' | 'failed';
  kind: string;
  seed: number;
  customers: number;
  as_of: string;
  out_dir: string | null;
  summary: string | null;
}

export interface Database {
  customers: CustomersTable;
  contacts: ContactsTable;
  orders: OrdersTable;
  subscriptions: SubscriptionsTable;
  events: EventsTable;
  changes: ChangesTable;
  import_batches: ImportBatchesTable;
  audit_log: AuditLogTable;
  demo_runs: DemoRunsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_links: LoginLinksTable;
  reason_overrides: ReasonOverridesTable;
}
