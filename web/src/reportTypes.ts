/** Response shapes of the dashboard analysis and the reports (src/server/routes/dashboardRoutes.ts, reportRoutes.ts). */

export interface RunRef {
  run_id: number;
  as_of: string;
}

export interface StatusCount {
  key: string;
  count: number;
  change: number | null;
}

export interface Opportunity {
  dormant_customers: number;
  average_yearly_value_yen: number;
  reactivation_rate: number;
  estimated_yen: number;
  assumptions: string;
}

export interface AtRiskCustomer {
  customer_id: string;
  name: string;
  owner: string | null;
  health_score: number | null;
  health_level: string | null;
  expected_value: number | null;
  p_alive: number | null;
  days_since_last_purchase: number | null;
  overdue_ratio: number | null;
  rank: string | null;
}

export type AtRiskOrder = 'expected_value' | 'health_score';

export interface DashboardAnalysis {
  available: boolean;
  run: (RunRef & { finished_at: string | null }) | null;
  previous_run: RunRef | null;
  source: 'run_summary' | 'customer_state' | null;
  statuses: StatusCount[];
  newly_dormant: number | null;
  ranks: { key: string; count: number }[];
  top_reasons: { reason: string; customers: number; lost_yearly_revenue_yen: number }[];
  opportunity: Opportunity | null;
  at_risk: AtRiskCustomer[];
  at_risk_order: AtRiskOrder;
  p_alive: { from: number; to: number; customers: number }[];
}

export interface NewlyDormantList {
  run: RunRef | null;
  previous_run: RunRef | null;
  total: number;
  items: {
    customer_id: string;
    name: string;
    owner: string | null;
    status: string;
    previous_status: string;
    rank: string | null;
    reason_category: string | null;
    expected_value: number | null;
    yearly_value_yen: number | null;
  }[];
}

export const REASON_BREAKDOWNS = ['none', 'segment', 'industry', 'owner', 'product', 'cohort'] as const;
export type ReasonBreakdown = (typeof REASON_BREAKDOWNS)[number];

export interface ReasonReportRow {
  group: string | null;
  reason: string;
  customers: number;
  lost_yearly_revenue_yen: number;
  customer_share: number;
  revenue_share: number;
}

export interface ReasonsReport {
  by: ReasonBreakdown;
  as_of: string | null;
  totals: { customers: number; lost_yearly_revenue_yen: number };
  groups: { group: string | null; customers: number; lost_yearly_revenue_yen: number }[];
  rows: ReasonReportRow[];
}

export interface ReapproachList {
  total: number;
  items: {
    customer_id: string;
    name: string;
    owner: string | null;
    status: string | null;
    change_id: string;
    change_kind: string | null;
    change_description: string | null;
    reason_category: string;
    confidence: number;
    is_theme_confirmed: boolean;
    flagged_at: string;
    line: string;
    expected_value: number | null;
    rank: string | null;
  }[];
}

/** GET /api/reports/cohorts (src/storage/cohortQueries.ts). */
export interface CohortReport {
  as_of: string;
  period: 'quarter';
  last_quarter_partial: boolean;
  source: 'run_summary' | 'orders';
  rows: {
    cohort: string;
    customers: number;
    repurchase_rates: number[];
    buyers_by_quarter: number[];
    active_now: number;
    dormant_now: number;
    lost_now: number;
    dormant_rate: number;
  }[];
}

/** GET /api/reports/kpi (src/storage/kpiQueries.ts; definitions in src/core/measure/kpi.ts). */
export type KpiGrouping = 'channel' | 'journey' | 'rank' | 'segment';

export interface KpiRow {
  group: string;
  targeted: number;
  approached: number;
  held: number;
  messages_sent: number;
  messages_held: number;
  tasks_done: number;
  contact_rate: number | null;
  reached: number;
  reach_rate: number | null;
  emailed: number;
  opened: number;
  open_rate: number | null;
  responded: number;
  response_rate: number | null;
  appointments: number;
  appointment_rate: number | null;
  reactivated: number;
  reactivation_rate: number | null;
  orders: number;
  revenue_yen: number;
  average_order_value_yen: number | null;
  gross_profit_yen: number;
  estimated_gross_profit_yen: number;
  cost_yen: number;
  cost_per_reactivation_yen: number | null;
  roi: number | null;
  retention_observable: number;
  retained_90d: number;
  retention_90d_rate: number | null;
}

export interface KpiReport {
  by: KpiGrouping;
  from: string | null;
  to: string | null;
  as_of: string;
  attribution_days: number;
  default_margin_rate: number;
  rows: KpiRow[];
  total: KpiRow;
}
