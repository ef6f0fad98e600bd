/**
 * Short human labels for journey steps (the flow view, the monitor, the simulation), in Japanese
 * and English. Status and reason names match the app's (web i18n `status.*`, `reason.*`).
 */
import type { LifecycleStatus } from '../detect/lifecycleStatus.js';
import type { ReasonCategory } from '../diagnose/reasonCategories.js';
import type { JourneyStep, MessageChannel } from './journeyTypes.js';

const STATUS_LABELS: Record<LifecycleStatus, { ja: string; en: string }> = {
  active: { ja: '稼働中', en: 'active' },
  at_risk: { ja: '要注意', en: 'at risk' },
  early_dormant: { ja: '初期休眠', en: 'early dormant' },
  mid_dormant: { ja: '中期休眠', en: 'mid dormant' },
  long_dormant: { ja: '長期休眠', en: 'long dormant' },
  reactivating: { ja: '再活性化中', en: 'reactivating' },
  reactivated: { ja: '復活', en: 'reactivated' },
  lost: { ja: '離反', en: 'lost' },
  never_purchased: { ja: '未購入', en: 'never purchased' },
};
const REASON_LABELS: Record<ReasonCategory, { ja: string; en: string }> = {
  product: { ja: '製品・サービス', en: 'product' },
  price: { ja: '価格', en: 'price' },
  environment: { ja: '環境の変化', en: 'situation changed' },
  forgotten: { ja: '忘れられている', en: 'forgot us' },
  competitor: { ja: '競合への乗り換え', en: 'competitor' },
  need_gone: { ja: 'ニーズの消滅', en: 'need gone' },
  staff: { ja: '担当者・対応', en: 'staff' },
  over_contact: { ja: '連絡過多', en: 'contacted too often' },
  other: { ja: 'その他', en: 'other' },
  unknown: { ja: '不明', en: 'unknown' },
};
const CHANNEL_LABELS: Record<MessageChannel, { ja: string; en: string }> = {
  email: { ja: 'メール送信', en: 'Send email' },
  sms: { ja: 'SMS送信', en: 'Send SMS' },
  dm: { ja: 'DM送付', en: 'Send letter (DM)' },
};
const REACTION_LABELS = {
  opened: { ja: '開封したか', en: 'opened?' },
  clicked: { ja: 'クリックしたか', en: 'clicked?' },
  responded: { ja: '反応したか', en: 'responded?' },
};
const MAX_NOTE_IN_LABEL = 30;

function waitLabel(days: number, locale: 'ja' | 'en'): string {
  if (days < 1) {
    const hours = Math.round(days * 24 * 10) / 10;
    return locale === 'ja' ? `${hours}時間待つ` : `Wait ${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return locale === 'ja' ? `${days}日待つ` : `Wait ${days} day${days === 1 ? '' : 's'}`;
}

/**
 * A short label for a step, for the flow view and the monitor.
 *
 * @example journeyStepLabel({ id: 'd3', type: 'wait', days: 3 }, 'ja') // '3日待つ'
 * @example journeyStepLabel({ id: 'd1', type: 'send', channel: 'email', template: 'winback-value-email' }, 'ja')
 * // 'メール送信: winback-value-email'
 */
export function journeyStepLabel(step: JourneyStep, locale: 'ja' | 'en'): string {
  const ja = locale === 'ja';
  const list = (items: readonly string[]) => items.join(ja ? '・' : ', ');
  switch (step.type) {
    case 'send':
      return `${CHANNEL_LABELS[step.channel][locale]}: ${step.template}`;
    case 'task': {
      const base =
        step.kind === 'call' ? (ja ? '電話タスク' : 'Call task') : ja ? '訪問タスク' : 'Visit task';
      if (step.note === undefined || step.note.trim() === '') return base;
      const note = step.note.trim();
      return `${base}: ${note.length > MAX_NOTE_IN_LABEL ? `${note.slice(0, MAX_NOTE_IN_LABEL)}…` : note}`;
    }
    case 'wait':
      return waitLabel(step.days, locale);
    case 'branch': {
      const condition = step.if;
      const prefix = ja ? '分岐: ' : 'Branch: ';
      if ('reaction' in condition) {
        const what = REACTION_LABELS[condition.reaction][locale];
        if (condition.step === undefined) return `${prefix}${what}`;
        return ja
          ? `${prefix}${condition.step} を${what}`
          : `${prefix}${what.replace('?', '')} ${condition.step}?`;
      }
      if ('reason' in condition) {
        return `${prefix}${ja ? '休眠理由が' : 'reason is'} ${list(condition.reason.map((r) => REASON_LABELS[r][locale]))}`;
      }
      if ('rank' in condition) return `${prefix}${ja ? 'ランク' : 'rank'} ${list(condition.rank)}`;
      return `${prefix}${ja ? 'ステータスが' : 'status is'} ${list(condition.status.map((s) => STATUS_LABELS[s][locale]))}`;
    }
    case 'split': {
      const total = step.variants.reduce((sum, variant) => sum + variant.weight, 0);
      const parts = step.variants.map(
        (variant) => `${variant.name} ${Math.round((variant.weight / total) * 100)}%`,
      );
      return `${ja ? 'A/Bテスト' : 'A/B split'}: ${parts.join(' / ')}`;
    }
    case 'holdout':
      return ja ? `ホールドアウト ${step.percent}%` : `Holdout ${step.percent}%`;
  }
}
