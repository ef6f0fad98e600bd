/**
 * Seed 000's prioritisation tables as typed default configuration (SPEC: the seed's tables are the
 * product's defaults; settings can replace each of them). Where the seed gives no figure, the value
 * is ours and marked so.
 */
import type { ReasonCategory } from '../diagnose/index.js';

export const CHANNELS = ['visit', 'phone', 'dm', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export const RANKS = ['A', 'B', 'C', 'D'] as const;
export type Rank = (typeof RANKS)[number];

/**
 * Seed 000 「スコアリングモデルの具体例」: weights per criterion (past transaction value ×5,
 * dormancy length ×4, reason solvability ×4, competitor use ×3, geographic proximity ×2, digital
 * responsiveness ×3; each criterion scored 1–10, maximum 210) and the rank cut-offs
 * (A ≥ 170, B 130–169, C 90–129, D below 90).
 */
export const SEED_WEIGHTS = {
  past_value: 5,
  dormancy_length: 4,
  reason_solvability: 4,
  competitor_use: 3,
  geographic_proximity: 2,
  digital_responsiveness: 3,
} as const;
export const SEED_RANK_CUTOFFS = { A: 170, B: 130, C: 90 } as const;

/** The seed's symbols in the rank × channel matrix: ◎ best, ○ suitable, △ conditional, × unsuitable. */
export type Suitability = 'best' | 'suitable' | 'conditional' | 'unsuitable';
export const SUITABILITY_SCORE: Record<Suitability, number> = {
  best: 3,
  suitable: 2,
  conditional: 1,
  unsuitable: 0,
};

/**
 * Seed 000 「アプローチ方法のマトリクス」 (訪問営業 / 電話 / DM / メールマーケティング / MA活用施策 by
 * rank). Email takes the better of the seed's メール and MA rows (an MA scenario sends email here).
 * SMS is not in the seed: ours, conditional for every rank.
 */
export const RANK_CHANNEL_MATRIX: Record<Rank, Record<Channel, Suitability>> = {
  A: { visit: 'best', phone: 'suitable', dm: 'suitable', email: 'suitable', sms: 'conditional' },
  B: { visit: 'suitable', phone: 'best', dm: 'suitable', email: 'best', sms: 'conditional' },
  C: { visit: 'conditional', phone: 'suitable', dm: 'best', email: 'best', sms: 'conditional' },
  D: { visit: 'unsuitable', phone: 'conditional', dm: 'suitable', email: 'best', sms: 'conditional' },
};

/**
 * Seed 000 「休眠理由別アプローチの選択マトリクス」: contact order per reason — product: phone → email →
 * visit; price: email → DM → phone; environment: visit → phone → email; forgotten: email → DM (the
 * seed's SNS step has no channel here). The other reasons are ours: a competitor switch and staff
 * trouble want a person (phone, then visit); a need that is gone gets light touches; a customer
 * who had too much contact gets one letter and one email, no calls.
 */
export const REASON_CHANNEL_SEQUENCES: Record<ReasonCategory, readonly Channel[]> = {
  product: ['phone', 'email', 'visit'],
  price: ['email', 'dm', 'phone'],
  environment: ['visit', 'phone', 'email'],
  forgotten: ['email', 'dm'],
  competitor: ['phone', 'visit', 'email'],
  staff: ['phone', 'visit', 'email'],
  need_gone: ['email', 'dm'],
  over_contact: ['dm', 'email'],
  other: [],
  unknown: [],
};

/**
 * Seed 000 「チャネル別分析例」: cost per customer (visit ¥50,000, phone ¥10,000, DM ¥5,000, email
 * ¥1,000) and reactivation rate (40 %, 25 %, 10 %, 5 %). SMS figures and all rep-hours are ours.
 */
export interface ChannelCost {
  costYen: number;
  repHours: number;
  reactivationRate: number;
}
export const SEED_CHANNEL_COSTS: Record<Channel, ChannelCost> = {
  visit: { costYen: 50_000, repHours: 3, reactivationRate: 0.4 },
  phone: { costYen: 10_000, repHours: 0.5, reactivationRate: 0.25 },
  dm: { costYen: 5_000, repHours: 0, reactivationRate: 0.1 },
  email: { costYen: 1_000, repHours: 0, reactivationRate: 0.05 },
  sms: { costYen: 300, repHours: 0, reactivationRate: 0.05 },
};

/**
 * Seed 000 「セグメント別分析例」: reactivation rate by rank (A 40 %, B 25 %, C 15 %, D 5 %). The
 * seed's wholesaler example reports 42 %, 28 %, 13 % and 5 % — close enough that the analysis
 * table is the prior.
 */
export const SEED_RANK_REACTIVATION_RATES: Record<Rank, number> = { A: 0.4, B: 0.25, C: 0.15, D: 0.05 };

/** Seed 000 「セグメント別分析例」: average order value of a reactivated customer by rank. */
export const SEED_RANK_AVERAGE_ORDER_YEN: Record<Rank, number> = {
  A: 5_000_000,
  B: 2_000_000,
  C: 800_000,
  D: 300_000,
};

/** Gross margin rate when the orders carry none (ours; the seed's ROI uses 売上 × 粗利率 without a figure). */
export const DEFAULT_GROSS_MARGIN_RATE = 0.3;
