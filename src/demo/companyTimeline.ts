/**
 * What happened at the demo company itself over the four years before the as-of date: price
 * increases, product issues (some resolved), a sales-rep handover, and the campaign calendar.
 * Every date is relative to the as-of date, so the demo always looks current.
 */
import { isoDay } from './japan.js';
import { DEPARTED_REP, type DemoKind, STAFF_CHANGE_REP } from './profiles.js';

const DAYS_PER_MONTH = 30.44;
export const HISTORY_DAYS = 4 * 365 + 1;

export interface PriceIncrease {
  changeId: string;
  category: string;
  day: number;
  /** 0.12 = +12 %. Negative for a price decrease. */
  rate: number;
}

export interface ProductIssue {
  changeId: string;
  /** The product named in the change (a catalogue product or the subscription line). */
  product: string | null;
  category: string | null;
  startDay: number;
  resolvedDay: number | null;
  /** Which complaint texts belong to this issue. */
  topic: 'usability' | 'quality' | 'delivery';
  /** True when the issue is about the subscription line (only subscribers complain). */
  isSubscriptionLine: boolean;
}

export interface StaffChange {
  changeId: string;
  day: number;
  fromRep: string | null;
  toRep: string | null;
  /** Prefectures whose accounts changed hands (empty: the whole support desk). */
  prefectures: readonly string[];
}

export interface ChangeRow {
  change_id: string;
  kind: 'price_increase' | 'price_decrease' | 'product_issue' | 'product_improvement' | 'staff_change';
  product: string | null;
  category: string | null;
  started_at: string;
  resolved_at: string | null;
  description: string;
}

export interface CompanyTimeline {
  asOfDay: number;
  historyStartDay: number;
  priceChanges: readonly PriceIncrease[];
  productIssues: readonly ProductIssue[];
  staffChange: StaffChange;
  /** Days on which the newsletter went out (last two years). */
  newsletterDays: readonly number[];
  /** Campaign name of each newsletter (same order as newsletterDays). */
  newsletterCampaigns: readonly string[];
  /** Days on which a postal DM went out (every December and June). */
  dmDays: readonly number[];
  dmCampaigns: readonly string[];
  changes: readonly ChangeRow[];
}

const monthsAgo = (asOfDay: number, months: number) => asOfDay - Math.round(months * DAYS_PER_MONTH);

/** The company's own history, from the as-of date back four years. */
export function planCompanyTimeline(
  kind: DemoKind,
  asOfDay: number,
  newsletterEveryDays: number,
): CompanyTimeline {
  const historyStartDay = asOfDay - HISTORY_DAYS;
  const at = (months: number) => monthsAgo(asOfDay, months);
  const b2b = kind === 'b2b';
  const priceChanges: PriceIncrease[] = b2b
    ? [
        { changeId: 'CHG-001', category: '保護具', day: at(30), rate: 0.05 },
        { changeId: 'CHG-002', category: '潤滑油・ケミカル', day: at(20), rate: 0.12 },
        { changeId: 'CHG-003', category: '梱包資材', day: at(11), rate: 0.08 },
        { changeId: 'CHG-004', category: '計測機器', day: at(6), rate: -0.05 },
      ]
    : [
        { changeId: 'CHG-001', category: 'ペットフード', day: at(24), rate: 0.07 },
        { changeId: 'CHG-002', category: 'コーヒー豆', day: at(14), rate: 0.1 },
        { changeId: 'CHG-003', category: 'スキンケア', day: at(9), rate: 0.06 },
      ];
  const productIssues: ProductIssue[] = b2b
    ? [
        {
          changeId: 'CHG-010',
          product: '在庫管理クラウド「めざめストック」',
          category: null,
          startDay: at(26),
          resolvedDay: at(8),
          topic: 'usability',
          isSubscriptionLine: true,
        },
        {
          changeId: 'CHG-011',
          product: 'スローアウェイチップ 10個入',
          category: '切削工具',
          startDay: at(16),
          resolvedDay: at(13),
          topic: 'quality',
          isSubscriptionLine: false,
        },
        {
          changeId: 'CHG-012',
          product: null,
          category: '計測機器',
          startDay: at(5),
          resolvedDay: null,
          topic: 'delivery',
          isSubscriptionLine: false,
        },
      ]
    : [
        {
          changeId: 'CHG-010',
          product: 'スマホアプリ',
          category: null,
          startDay: at(20),
          resolvedDay: at(10),
          topic: 'usability',
          isSubscriptionLine: false,
        },
        {
          changeId: 'CHG-011',
          product: '国産ドッグフード 3kg',
          category: 'ペットフード',
          startDay: at(7),
          resolvedDay: at(5),
          topic: 'delivery',
          isSubscriptionLine: false,
        },
      ];
  const staffChange: StaffChange = b2b
    ? {
        changeId: 'CHG-020',
        day: at(22),
        fromRep: DEPARTED_REP,
        toRep: STAFF_CHANGE_REP,
        prefectures: ['北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県'],
      }
    : { changeId: 'CHG-020', day: at(18), fromRep: null, toRep: null, prefectures: [] };

  const changes: ChangeRow[] = [];
  for (const pc of priceChanges) {
    const up = pc.rate > 0;
    const pct = Math.round(Math.abs(pc.rate) * 100);
    changes.push({
      change_id: pc.changeId,
      kind: up ? 'price_increase' : 'price_decrease',
      product: null,
      category: pc.category,
      started_at: isoDay(pc.day),
      resolved_at: null,
      description: up
        ? `${pc.category}の全品を${pct}%値上げ(原材料・物流費の高騰のため)`
        : `${pc.category}の価格を${pct}%引き下げ(仕入れ条件の改善)`,
    });
  }
  for (const issue of productIssues) changes.push(issueRow(issue));
  for (const issue of productIssues) {
    if (issue.resolvedDay === null || issue.topic !== 'usability') continue;
    changes.push({
      change_id: `${issue.changeId}-I`,
      kind: 'product_improvement',
      product: issue.product,
      category: issue.category,
      started_at: isoDay(issue.resolvedDay),
      resolved_at: null,
      description: `${issue.product ?? issue.category}の画面を全面改善。よく使う操作を1画面に集約`,
    });
  }
  changes.push({
    change_id: staffChange.changeId,
    kind: 'staff_change',
    product: null,
    category: null,
    started_at: isoDay(staffChange.day),
    resolved_at: null,
    description: b2b
      ? `北海道・東北エリアの担当を${DEPARTED_REP}から${STAFF_CHANGE_REP}に交代(退職に伴う引き継ぎ)`
      : 'お問い合わせ窓口を外部委託に切り替え',
  });

  const newsletterDays: number[] = [];
  for (let d = asOfDay - 2 * 365; d <= asOfDay - 3; d += newsletterEveryDays) newsletterDays.push(d);
  const dmDays: number[] = [];
  for (let d = historyStartDay; d <= asOfDay; d++) {
    const date = new Date(d * 86_400_000);
    if (date.getUTCDate() === 5 && (date.getUTCMonth() === 11 || date.getUTCMonth() === 5)) dmDays.push(d);
  }
  return {
    asOfDay,
    historyStartDay,
    priceChanges,
    productIssues,
    staffChange,
    newsletterDays,
    newsletterCampaigns: newsletterDays.map((d) => `newsletter-${isoDay(d).slice(0, 7)}`),
    dmDays,
    dmCampaigns: dmDays.map((d) => `dm-${isoDay(d).slice(0, 7)}`),
    changes,
  };
}

function issueRow(issue: ProductIssue): ChangeRow {
  const subject = issue.product ?? issue.category ?? '';
  const description = {
    usability: `${subject}:リニューアル後の管理画面が分かりにくいとの指摘が多数`,
    quality: `${subject}:一部ロットで欠け・寿命不足(ロット不良)`,
    delivery: `${subject}:納期遅延・欠品が続いている`,
  }[issue.topic];
  return {
    change_id: issue.changeId,
    kind: 'product_issue',
    product: issue.product,
    category: issue.category,
    started_at: isoDay(issue.startDay),
    resolved_at: issue.resolvedDay === null ? null : isoDay(issue.resolvedDay),
    description,
  };
}

/** Price multiplier of a category on a day: every change that started on or before it. */
export function priceFactor(timeline: CompanyTimeline, category: string, day: number): number {
  let factor = 1;
  for (const pc of timeline.priceChanges)
    if (pc.category === category && pc.day <= day) factor *= 1 + pc.rate;
  return factor;
}
