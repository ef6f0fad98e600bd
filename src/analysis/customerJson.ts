/**
 * The per-customer shape of `analyze --json` (SPEC "CLI contract"), from a customer_state row.
 * The diagnosis and prioritisation fields (reason, score, rank, reactivation probability,
 * expected value, channels) are read here, in one place, from the columns the later steps fill;
 * until they do, they come out as null and an "unknown" reason.
 */
import type { CustomerStateRow } from '../storage/analysisQueries.js';

export interface CustomerJson {
  customer_id: string;
  status: string;
  days_since_last_purchase: number | null;
  purchase_cycle_days: number | null;
  overdue_ratio: number | null;
  p_alive: number | null;
  expected_purchases_90d: number | null;
  health_score: number | null;
  reason: { category: string; confidence: number; evidence: unknown[] };
  score: number | null;
  rank: string | null;
  reactivation_probability: number | null;
  expected_value: number | null;
  recommended_channels: string[] | null;
}

function parseList(text: string | null): unknown[] | null {
  if (text === null || text === '') return null;
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? value : null;
}

function n(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

export function customerJson(row: CustomerStateRow): CustomerJson {
  return {
    customer_id: row.customer_id,
    status: row.status,
    days_since_last_purchase: n(row.days_since_last_purchase),
    purchase_cycle_days: n(row.purchase_cycle_days),
    overdue_ratio: n(row.overdue_ratio),
    p_alive: n(row.p_alive),
    expected_purchases_90d: n(row.expected_purchases_90d),
    health_score: n(row.health_score),
    reason: {
      category: row.reason_category ?? 'unknown',
      confidence: n(row.reason_confidence) ?? 0,
      evidence: parseList(row.reason_evidence) ?? [],
    },
    score: n(row.score),
    rank: row.rank,
    reactivation_probability: n(row.reactivation_probability),
    expected_value: n(row.expected_value),
    recommended_channels: parseList(row.recommended_channels) as string[] | null,
  };
}
