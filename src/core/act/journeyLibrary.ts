/**
 * The journeys Mezame ships, built from the seed's MA scenarios (seed 000 「休眠顧客掘り起こしの
 * ためのMAシナリオ設計」 and 「MAツールを使った休眠顧客掘り起こしの自動化シナリオ設計」). They are
 * starting points: storage keeps them disabled until a person enables them, and a person may edit
 * the source. Template ids are those templateLibrary.ts ships (ACT.md).
 *
 * Day numbers in the seed count from the first message (デイ1), so each wait is the difference
 * between two days. Where the seed gives no interval, the choice is ours and says so.
 */
import type { LifecycleStatus } from '../detect/lifecycleStatus.js';
import type { ReasonCategory } from '../diagnose/reasonCategories.js';
import { branchStep } from './journeyGraph.js';
import type { JourneyDefinition, JourneyStep } from './journeyTypes.js';

const DORMANT: LifecycleStatus[] = ['early_dormant', 'mid_dormant', 'long_dormant'];

/**
 * Seed 000 「基本的な再活性化シナリオ」: the first message goes out 15 days after the customer is
 * detected as dormant.
 */
const DAYS_AFTER_DETECTION = 15;
/**
 * Ours: how long after a message the basic journey looks at the reaction (the seed's example 1
 * moves on at the next message day; two days leaves time to open it). The last offer gets three
 * days, as nothing follows it.
 */
const REACTION_CHECK_DAYS = 2;
const LAST_REACTION_CHECK_DAYS = 3;

const APPOINTMENT_NOTE = 'メールに反応あり。営業電話でアポイントを設定してください';

/**
 * Seed 000 例1「段階的アプローチシナリオ」: デイ1/3/7/10/14/21 emails with reaction branches
 * (反応あり → a later, warmer message or the sales call 「営業電話アポイント設定」; 反応なし → a
 * different angle). Every wait below is the gap between two seed days after the reaction check:
 * e.g. デイ1 → check 2 days later (デイ3) → no reaction → 4 more days → デイ7.
 */
const winbackBasicSteps: JourneyStep[] = [
  { id: 'detected-wait', type: 'wait', days: DAYS_AFTER_DETECTION },
  // デイ1: 「業界トレンドレポート」提供型メール
  { id: 'day1-email', type: 'send', channel: 'email', template: 'winback-value-email' },
  { id: 'day1-check', type: 'wait', days: REACTION_CHECK_DAYS },
  branchStep('day1-reacted', { reaction: 'responded', step: 'day1-email' }, 'day3-email', 'day1-to-day7'),
  { id: 'day1-to-day7', type: 'wait', days: 7 - 1 - REACTION_CHECK_DAYS, next: 'day7-email' },
  // デイ3: 「前回ご利用いただいた機能の進化」紹介メール
  { id: 'day3-email', type: 'send', channel: 'email', template: 'winback-whats-new-email' },
  { id: 'day3-check', type: 'wait', days: REACTION_CHECK_DAYS },
  branchStep(
    'day3-reacted',
    { reaction: 'responded', step: 'day3-email' },
    'call-appointment',
    'day3-to-day10',
  ),
  { id: 'day3-to-day10', type: 'wait', days: 10 - 3 - REACTION_CHECK_DAYS, next: 'day10-email' },
  // デイ7: タイトル・内容を変更した「業界トレンドレポート」再送
  { id: 'day7-email', type: 'send', channel: 'email', template: 'winback-value-resend-email' },
  { id: 'day7-check', type: 'wait', days: REACTION_CHECK_DAYS },
  branchStep('day7-reacted', { reaction: 'responded', step: 'day7-email' }, 'day7-to-day10', 'day7-to-day14'),
  { id: 'day7-to-day10', type: 'wait', days: 10 - 7 - REACTION_CHECK_DAYS, next: 'day10-email' },
  { id: 'day7-to-day14', type: 'wait', days: 14 - 7 - REACTION_CHECK_DAYS, next: 'day14-email' },
  // デイ10: 「顧客事例」紹介型メール
  { id: 'day10-email', type: 'send', channel: 'email', template: 'winback-case-study-email' },
  { id: 'day10-check', type: 'wait', days: REACTION_CHECK_DAYS },
  branchStep(
    'day10-reacted',
    { reaction: 'responded', step: 'day10-email' },
    'call-appointment',
    'day10-to-day14',
  ),
  { id: 'day10-to-day14', type: 'wait', days: 14 - 10 - REACTION_CHECK_DAYS, next: 'day14-email' },
  // デイ14: 「期間限定特別オファー」案内メール
  { id: 'day14-email', type: 'send', channel: 'email', template: 'winback-offer-email' },
  { id: 'day14-check', type: 'wait', days: REACTION_CHECK_DAYS },
  branchStep(
    'day14-reacted',
    { reaction: 'responded', step: 'day14-email' },
    'call-appointment',
    'day14-to-day21',
  ),
  { id: 'day14-to-day21', type: 'wait', days: 21 - 14 - REACTION_CHECK_DAYS, next: 'day21-email' },
  // デイ21: 「最終特別オファー」メール
  { id: 'day21-email', type: 'send', channel: 'email', template: 'winback-final-offer-email' },
  { id: 'day21-check', type: 'wait', days: LAST_REACTION_CHECK_DAYS },
  // 反応なし → the seed's 「3ヶ月後の再アプローチリスト」: the customer completes here and is
  // re-approached later by entering again (a schedule-triggered journey or a person), not by a
  // three-month wait inside this one.
  branchStep('day21-reacted', { reaction: 'responded', step: 'day21-email' }, 'call-appointment', 'end'),
  // 営業電話アポイント設定 (seed: 手動フォロー通知 — only customers who reacted reach a rep).
  { id: 'call-appointment', type: 'task', kind: 'call', note: APPOINTMENT_NOTE, next: 'end' },
];

/**
 * Seed 000 「関心度の違いに応じた多段階コミュニケーション」: no reaction → a different theme every
 * two weeks (at most 3 times); a click (強い反応) → a rep follows up within 3 days.
 */
const REASON_CLICK_CHECK_DAYS = 3;
const REASON_INTERVAL_DAYS = 14;

/**
 * Seed 000 例2「休眠理由別カスタマイズシナリオ」: three messages for one known reason, a click
 * on any of them → a call, no click → the next theme two weeks after the previous one.
 */
function reasonJourney(spec: {
  id: string;
  name: string;
  description: string;
  reason: ReasonCategory;
  emails: readonly [stepId: string, template: string][];
  callNote: string;
}): JourneyDefinition {
  const steps: JourneyStep[] = [];
  spec.emails.forEach(([stepId, template], i) => {
    const last = i === spec.emails.length - 1;
    const following = spec.emails[i + 1]?.[0];
    steps.push(
      { id: stepId, type: 'send', channel: 'email', template },
      { id: `${stepId}-check`, type: 'wait', days: REASON_CLICK_CHECK_DAYS },
      branchStep(
        `${stepId}-clicked`,
        { reaction: 'clicked', step: stepId },
        'call-follow-up',
        last ? 'end' : `${stepId}-to-next`,
      ),
    );
    if (!last) {
      steps.push({
        id: `${stepId}-to-next`,
        type: 'wait',
        days: REASON_INTERVAL_DAYS - REASON_CLICK_CHECK_DAYS,
        next: following as string,
      });
    }
  });
  steps.push({ id: 'call-follow-up', type: 'task', kind: 'call', note: spec.callNote, next: 'end' });
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    trigger: { type: 'status_entered', statuses: DORMANT },
    audience: { reasons: [spec.reason] },
    steps,
  };
}

export const SHIPPED_JOURNEYS: readonly JourneyDefinition[] = [
  {
    id: 'winback-basic',
    name: '基本の掘り起こしシナリオ(1・3・7・10・14・21日目)',
    description:
      '休眠を検知して15日後から、価値提供メール → 近況・機能紹介 → 再送 → 顧客事例 → 期間限定オファー → 最終オファーを反応に応じて送り分けます。反応した顧客には営業電話のタスクを作成します。最後まで反応がなければ完了し、後日あらためて再アプローチします。理由別シナリオと同時に有効にすると同じ顧客に両方が届くため、どちらかを選んでください。',
    trigger: { type: 'status_entered', statuses: DORMANT },
    steps: winbackBasicSteps,
  },
  reasonJourney({
    id: 'winback-price',
    name: '価格が理由の休眠顧客向けシナリオ',
    description:
      '休眠理由が「価格」の顧客に、コスト削減事例 → ROI試算 → 価格改定・特別プランの順に2週間ごとに案内します。クリックした顧客には営業電話のタスクを作成します。',
    reason: 'price',
    emails: [
      ['savings-email', 'price-savings-email'],
      ['roi-email', 'price-roi-email'],
      ['plan-email', 'price-plan-email'],
    ],
    callNote: '価格の案内メールをクリック。特別プランの提案を',
  }),
  reasonJourney({
    id: 'winback-product',
    name: '製品・機能への不満が理由の休眠顧客向けシナリオ',
    description:
      '休眠理由が「製品・サービス」の顧客に、新機能紹介 → 機能改善事例 → 無料アップグレード体験の順に2週間ごとに案内します。クリックした顧客には営業電話のタスクを作成します。',
    reason: 'product',
    emails: [
      ['new-features-email', 'product-new-features-email'],
      ['improvements-email', 'product-improvements-email'],
      ['free-upgrade-email', 'product-free-upgrade-email'],
    ],
    callNote: '機能の案内メールをクリック。改善点の説明とデモの提案を',
  }),
  reasonJourney({
    id: 'winback-environment',
    name: '担当者交代・環境変化が理由の休眠顧客向けシナリオ',
    description:
      '休眠理由が「環境の変化」(担当者交代など)の顧客に、新担当者のご紹介 → 過去のお取引の振り返り → 初回ミーティングのご提案の順に2週間ごとに案内します。クリックした顧客には営業電話のタスクを作成します。',
    reason: 'environment',
    emails: [
      ['new-contact-email', 'environment-new-contact-email'],
      ['review-email', 'environment-review-email'],
      ['meeting-email', 'environment-meeting-email'],
    ],
    callNote: '案内メールをクリック。新しいご担当者との初回ミーティングを設定',
  }),
  {
    id: 'pricing-page-alert',
    name: '価格ページ閲覧アラート(7日間に3回)',
    description:
      '休眠中の顧客が7日間に価格ページを3回閲覧したら、担当営業に電話タスクを作成します(「休眠顧客Aさんが価格ページを3回閲覧」→「営業担当者にアラート」→「電話でのアプローチ」)。',
    trigger: {
      type: 'behaviour',
      event: 'web_visit',
      url_contains: '/pricing',
      min_count: 3,
      within_days: 7,
    },
    audience: { statuses: ['at_risk', ...DORMANT] },
    steps: [
      {
        id: 'pricing-call',
        type: 'task',
        kind: 'call',
        note: '価格ページを7日間に3回閲覧。検討中の可能性が高いため電話でアプローチを',
      },
    ],
  },
  {
    id: 'improvement-reapproach',
    name: '改善完了後の再アプローチ',
    description:
      '離脱理由になった問題の改善が完了したら、その理由で離れた顧客に改善のお知らせメールを送り、5日後に担当営業の電話タスクを作成します。',
    trigger: { type: 'change_resolved' },
    steps: [
      { id: 'improvement-email', type: 'send', channel: 'email', template: 'improvement-fixed-email' },
      // Ours: a few days for the message to be read before the rep calls.
      { id: 'improvement-wait', type: 'wait', days: 5 },
      {
        id: 'improvement-call',
        type: 'task',
        kind: 'call',
        note: '改善のお知らせをお送りしました。改善内容をご説明し、再開のご意向を伺ってください',
      },
    ],
  },
];

/** A shipped journey by id, or undefined. */
export function shippedJourney(id: string): JourneyDefinition | undefined {
  return SHIPPED_JOURNEYS.find((journey) => journey.id === id);
}

/**
 * A shipped journey as the pretty JSON a person edits (the source stored with the journey).
 *
 * @example shippedJourneySource('winback-basic') // '{\n  "id": "winback-basic", …'
 */
export function shippedJourneySource(id: string): string | undefined {
  const journey = shippedJourney(id);
  return journey === undefined ? undefined : `${JSON.stringify(journey, null, 2)}\n`;
}
