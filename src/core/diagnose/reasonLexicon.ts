/**
 * Phrases that point at a dormancy reason in customers' own words: support tickets, inquiries,
 * survey answers and cancellation reasons, in Japanese and English.
 *
 * Japanese is written without spaces, so Japanese phrases match as substrings; they are chosen
 * long enough not to fire inside unrelated words (「高い」 alone would fire on 「品質が高い」, so it
 * needs a price word in the same sentence: `context`). English phrases match from a word start,
 * so stems such as "reorganis" cover "reorganised" and "reorganisation".
 *
 * `theme` names the complaint more precisely than the category (usability, quality, delivery…);
 * the improvement → re-approach loop matches a fixed problem to customers by it.
 * `strength` (0–1) is how clearly the phrase alone names the reason; a generic word such as
 * 「不満」 is weak, 「他社に乗り換え」 is strong.
 */
import type { ReasonCategory } from './reasonCategories.js';

export type ReasonTheme =
  | 'usability'
  | 'quality'
  | 'features'
  | 'performance'
  | 'delivery'
  | 'support'
  | 'dissatisfied'
  | 'price_level'
  | 'price_increase'
  | 'budget'
  | 'contact_left'
  | 'reorganisation'
  | 'business_change'
  | 'forgot'
  | 'switched'
  | 'need_ended'
  | 'staff_attitude'
  | 'staff_response'
  | 'too_many_messages';

export interface LexiconEntry {
  phrase: string;
  category: ReasonCategory;
  theme: ReasonTheme;
  strength: number;
  /** The sentence must also contain one of these words (for short, ambiguous phrases). */
  context?: readonly string[];
}

const JA_PRICE_WORDS = [
  '価格',
  '値段',
  '料金',
  '費用',
  'コスト',
  '単価',
  '金額',
  '見積',
  '月額',
  '年額',
  'プラン',
];
const EN_PRICE_WORDS = ['price', 'pricing', 'cost', 'fee', 'plan', 'subscription', 'quote', 'rate'];

type Row = readonly [phrase: string, theme: ReasonTheme, strength: number, context?: readonly string[]];

function entries(category: ReasonCategory, rows: readonly Row[]): LexiconEntry[] {
  return rows.map(([phrase, theme, strength, context]) => ({
    phrase: phrase.normalize('NFKC').toLowerCase(),
    category,
    theme,
    strength,
    ...(context === undefined ? {} : { context }),
  }));
}

export const JAPANESE_LEXICON: readonly LexiconEntry[] = [
  ...entries('product', [
    ['使いにく', 'usability', 0.8],
    ['使いづら', 'usability', 0.8],
    ['操作が難し', 'usability', 0.8],
    ['操作がわかりにく', 'usability', 0.8],
    ['操作が分かりにく', 'usability', 0.8],
    ['分かりにく', 'usability', 0.5],
    ['わかりにく', 'usability', 0.5],
    ['使い方が難し', 'usability', 0.7],
    ['使い方がわからな', 'usability', 0.7],
    ['使いこなせ', 'usability', 0.6],
    ['面倒', 'usability', 0.5],
    ['画面が見つか', 'usability', 0.6],
    ['見づらい', 'usability', 0.6],
    ['見にくい', 'usability', 0.6],
    ['操作性', 'usability', 0.5],
    ['画面が複雑', 'usability', 0.7],
    ['品質が悪', 'quality', 0.8],
    ['品質に問題', 'quality', 0.8],
    ['品質が落ち', 'quality', 0.8],
    ['品質が低', 'quality', 0.8],
    ['不良品', 'quality', 0.8],
    ['不良', 'quality', 0.5],
    ['壊れ', 'quality', 0.6],
    ['故障', 'quality', 0.6],
    ['不具合', 'quality', 0.7],
    ['バグ', 'quality', 0.7],
    ['エラーが', 'quality', 0.6],
    ['不安定', 'quality', 0.7],
    ['動かない', 'quality', 0.6],
    ['機能が足りな', 'features', 0.8],
    ['機能不足', 'features', 0.8],
    ['機能が少な', 'features', 0.7],
    ['欲しい機能がな', 'features', 0.8],
    ['動作が遅', 'performance', 0.7],
    ['動作が重', 'performance', 0.7],
    ['処理が遅', 'performance', 0.7],
    ['表示が遅', 'performance', 0.7],
    ['納期が遅', 'delivery', 0.7],
    ['納期遅れ', 'delivery', 0.7],
    ['納品が遅', 'delivery', 0.7],
    ['配送が遅', 'delivery', 0.7],
    ['届くのが遅', 'delivery', 0.7],
    ['届かな', 'delivery', 0.5],
    ['欠品', 'delivery', 0.6],
    ['在庫切れ', 'delivery', 0.5],
    ['サポートが不十分', 'support', 0.7],
    ['アフターサポート', 'support', 0.4],
    ['期待外れ', 'dissatisfied', 0.6],
    ['期待はずれ', 'dissatisfied', 0.6],
    ['満足できな', 'dissatisfied', 0.6],
    ['不満', 'dissatisfied', 0.35],
  ]),
  ...entries('price', [
    ['高すぎ', 'price_level', 0.8],
    ['割高', 'price_level', 0.8],
    ['価格が高', 'price_level', 0.85],
    ['値段が高', 'price_level', 0.85],
    ['料金が高', 'price_level', 0.85],
    ['費用が高', 'price_level', 0.85],
    ['コストが高', 'price_level', 0.8],
    ['高い', 'price_level', 0.6, JA_PRICE_WORDS],
    ['高く', 'price_level', 0.6, JA_PRICE_WORDS],
    ['高か', 'price_level', 0.6, JA_PRICE_WORDS],
    ['高額', 'price_level', 0.6],
    ['価格に不満', 'price_level', 0.85],
    ['費用対効果', 'price_level', 0.5],
    ['値上げ', 'price_increase', 0.85],
    ['価格改定', 'price_increase', 0.7],
    ['料金改定', 'price_increase', 0.7],
    ['予算がな', 'budget', 0.7],
    ['予算が足り', 'budget', 0.7],
    ['予算削減', 'budget', 0.7],
    ['予算不足', 'budget', 0.7],
    ['コスト削減', 'budget', 0.6],
    ['経費削減', 'budget', 0.6],
  ]),
  ...entries('environment', [
    ['担当者が退職', 'contact_left', 0.85],
    ['担当が退職', 'contact_left', 0.85],
    ['退職', 'contact_left', 0.6],
    ['異動', 'contact_left', 0.6],
    ['担当者が変わ', 'contact_left', 0.8],
    ['担当が変わ', 'contact_left', 0.8],
    ['担当者変更', 'contact_left', 0.8],
    ['担当者交代', 'contact_left', 0.8],
    ['後任', 'contact_left', 0.5],
    ['組織変更', 'reorganisation', 0.8],
    ['組織再編', 'reorganisation', 0.8],
    ['体制が変わ', 'reorganisation', 0.7],
    ['新体制', 'reorganisation', 0.6],
    ['合併', 'reorganisation', 0.6],
    ['買収', 'reorganisation', 0.6],
    ['事業方針', 'business_change', 0.6],
    ['方針変更', 'business_change', 0.7],
    ['事業縮小', 'business_change', 0.7],
    ['移転', 'business_change', 0.5],
    ['転勤', 'business_change', 0.7],
    ['引っ越', 'business_change', 0.6],
    ['転居', 'business_change', 0.6],
    ['出産', 'business_change', 0.6],
    ['育児', 'business_change', 0.5],
    ['家族構成が変わ', 'business_change', 0.7],
    ['生活が変わ', 'business_change', 0.7],
  ]),
  ...entries('forgotten', [
    ['忘れていた', 'forgot', 0.8],
    ['忘れてい', 'forgot', 0.7],
    ['忘れて', 'forgot', 0.6],
    ['存在を忘れ', 'forgot', 0.85],
    ['すっかり忘れ', 'forgot', 0.85],
  ]),
  ...entries('competitor', [
    ['他社に乗り換え', 'switched', 0.9],
    ['他社へ乗り換え', 'switched', 0.9],
    ['他社製品', 'switched', 0.7],
    ['他社サービス', 'switched', 0.7],
    ['他社の', 'switched', 0.5],
    ['他社', 'switched', 0.45],
    ['競合', 'switched', 0.6],
    ['乗り換え', 'switched', 0.7],
    ['乗換え', 'switched', 0.7],
    ['切り替え', 'switched', 0.5],
    ['別の業者', 'switched', 0.7],
    ['別のサービス', 'switched', 0.6],
    ['相見積', 'switched', 0.4],
    ['もっと安く', 'switched', 0.6],
    ['他のお店', 'switched', 0.6],
    ['他の店', 'switched', 0.6],
    ['別のお店', 'switched', 0.6],
    ['安く提案', 'switched', 0.7],
  ]),
  ...entries('need_gone', [
    ['必要なくな', 'need_ended', 0.85],
    ['必要がなくな', 'need_ended', 0.85],
    ['不要にな', 'need_ended', 0.85],
    ['今後不要', 'need_ended', 0.85],
    ['生産を終了', 'need_ended', 0.8],
    ['生産終了', 'need_ended', 0.8],
    ['閉鎖', 'need_ended', 0.75],
    ['使うことがなくな', 'need_ended', 0.8],
    ['外注', 'need_ended', 0.6],
    ['使用量が減', 'need_ended', 0.7],
    ['使用量が大幅に減', 'need_ended', 0.75],
    ['需要が減', 'need_ended', 0.6],
    ['必要な量が減', 'need_ended', 0.8],
    ['使わなくな', 'need_ended', 0.7],
    ['使う機会がな', 'need_ended', 0.7],
    ['用途がなくな', 'need_ended', 0.8],
    ['プロジェクトが終了', 'need_ended', 0.7],
    ['プロジェクト終了', 'need_ended', 0.7],
    ['事業から撤退', 'need_ended', 0.8],
    ['撤退', 'need_ended', 0.6],
    ['廃業', 'need_ended', 0.85],
    ['閉店', 'need_ended', 0.8],
    ['内製', 'need_ended', 0.6],
    ['自社で対応', 'need_ended', 0.6],
  ]),
  ...entries('staff', [
    ['対応が悪', 'staff_attitude', 0.85],
    ['対応がひど', 'staff_attitude', 0.85],
    ['態度が', 'staff_attitude', 0.7],
    ['失礼な', 'staff_attitude', 0.7],
    ['不誠実', 'staff_attitude', 0.7],
    ['対応が遅', 'staff_response', 0.8],
    ['返信がな', 'staff_response', 0.7],
    ['返事がな', 'staff_response', 0.7],
    ['折り返しがな', 'staff_response', 0.8],
    ['連絡がこな', 'staff_response', 0.6],
    ['説明不足', 'staff_response', 0.6],
    ['提案がなくな', 'staff_response', 0.85],
    ['把握されていな', 'staff_response', 0.7],
    ['フォローがな', 'staff_response', 0.8],
    ['対応に不満', 'staff_attitude', 0.85],
    ['サポート対応', 'staff_response', 0.5],
    ['対応が冷た', 'staff_attitude', 0.8],
    ['答えてもらえな', 'staff_response', 0.8],
    ['電話がつながら', 'staff_response', 0.7],
    ['返信まで', 'staff_response', 0.5],
    ['返信が遅', 'staff_response', 0.8],
    ['担当者の対応', 'staff_attitude', 0.6],
    ['営業担当の対応', 'staff_attitude', 0.7],
  ]),
  ...entries('over_contact', [
    ['メールが多', 'too_many_messages', 0.85],
    ['メルマガが多', 'too_many_messages', 0.85],
    ['連絡が多', 'too_many_messages', 0.8],
    ['電話が多', 'too_many_messages', 0.8],
    ['営業が多', 'too_many_messages', 0.8],
    ['営業がしつこ', 'too_many_messages', 0.9],
    ['しつこい', 'too_many_messages', 0.7],
    ['しつこく', 'too_many_messages', 0.7],
    ['頻繁に届', 'too_many_messages', 0.7],
    ['配信停止', 'too_many_messages', 0.6],
    ['迷惑メール', 'too_many_messages', 0.6],
  ]),
];

/**
 * A sentence that says the customer stays (「他社からも提案がありましたが、引き続き御社にお願いする」)
 * is no competitor signal.
 */
export const LOYALTY_MARKERS: readonly string[] = [
  '引き続き御社',
  '引き続き貴社',
  '引き続きお願い',
  'やはりこちら',
  'やっぱりこちら',
  'stay with you',
  'continue with you',
];

export const ENGLISH_LEXICON: readonly LexiconEntry[] = [
  ...entries('product', [
    ['hard to use', 'usability', 0.8],
    ['difficult to use', 'usability', 0.8],
    ['not user friendly', 'usability', 0.8],
    ['not user-friendly', 'usability', 0.8],
    ['confusing', 'usability', 0.6],
    ['clunky', 'usability', 0.6],
    ['usability', 'usability', 0.5],
    ['user interface', 'usability', 0.4],
    ['ui', 'usability', 0.4],
    ['poor quality', 'quality', 0.8],
    ['low quality', 'quality', 0.8],
    ['quality issue', 'quality', 0.8],
    ['defect', 'quality', 0.7],
    ['broken', 'quality', 0.6],
    ['buggy', 'quality', 0.7],
    ['bugs', 'quality', 0.6],
    ['crash', 'quality', 0.6],
    ['unstable', 'quality', 0.7],
    ['unreliable', 'quality', 0.7],
    ['missing feature', 'features', 0.7],
    ['lacks feature', 'features', 0.7],
    ['lacked feature', 'features', 0.7],
    ["doesn't have the feature", 'features', 0.7],
    ['too slow', 'performance', 0.7],
    ['very slow', 'performance', 0.6],
    ['late deliver', 'delivery', 0.7],
    ['delivery was late', 'delivery', 0.7],
    ['delayed deliver', 'delivery', 0.7],
    ['out of stock', 'delivery', 0.5],
    ['poor support', 'support', 0.7],
    ['disappointed', 'dissatisfied', 0.5],
    ['dissatisf', 'dissatisfied', 0.5],
    ['unhappy with the product', 'dissatisfied', 0.6],
    ['complain', 'dissatisfied', 0.35],
  ]),
  ...entries('price', [
    ['too expensive', 'price_level', 0.85],
    ['expensive', 'price_level', 0.7],
    ['overpriced', 'price_level', 0.85],
    ['pricey', 'price_level', 0.7],
    ['costly', 'price_level', 0.6],
    ['too much money', 'price_level', 0.7],
    ['high price', 'price_level', 0.7],
    ['price increase', 'price_increase', 0.85],
    ['price hike', 'price_increase', 0.85],
    ['raised the price', 'price_increase', 0.85],
    ['raised prices', 'price_increase', 0.85],
    ['prices went up', 'price_increase', 0.85],
    ['price went up', 'price_increase', 0.85],
    ['budget cut', 'budget', 0.7],
    ['no budget', 'budget', 0.7],
    ['over budget', 'budget', 0.6],
    ['cost cutting', 'budget', 0.6],
    ['cost-cutting', 'budget', 0.6],
    ['cheaper', 'price_level', 0.4, EN_PRICE_WORDS],
  ]),
  ...entries('environment', [
    ['left the company', 'contact_left', 0.85],
    ['has left', 'contact_left', 0.6],
    ['retired', 'contact_left', 0.6],
    ['new contact', 'contact_left', 0.6],
    ['new person in charge', 'contact_left', 0.7],
    ['reorganis', 'reorganisation', 0.8],
    ['reorganiz', 'reorganisation', 0.8],
    ['restructur', 'reorganisation', 0.8],
    ['merger', 'reorganisation', 0.6],
    ['acquired by', 'reorganisation', 0.6],
    ['new management', 'reorganisation', 0.6],
    ['change in strategy', 'business_change', 0.6],
    ['relocat', 'business_change', 0.5],
  ]),
  ...entries('forgotten', [
    ['forgot', 'forgot', 0.8],
    ['forgotten', 'forgot', 0.8],
    ['slipped my mind', 'forgot', 0.85],
  ]),
  ...entries('competitor', [
    ['switched to', 'switched', 0.8],
    ['moved to another', 'switched', 0.8],
    ['went with another', 'switched', 0.8],
    ['another vendor', 'switched', 0.7],
    ['another supplier', 'switched', 0.7],
    ['another provider', 'switched', 0.7],
    ['competitor', 'switched', 0.7],
    ['alternative', 'switched', 0.4],
  ]),
  ...entries('need_gone', [
    ['no longer need', 'need_ended', 0.85],
    ['no longer required', 'need_ended', 0.85],
    ["don't need", 'need_ended', 0.7],
    ['do not need', 'need_ended', 0.7],
    ['no need for', 'need_ended', 0.7],
    ['project ended', 'need_ended', 0.7],
    ['project is over', 'need_ended', 0.7],
    ['closed down', 'need_ended', 0.8],
    ['out of business', 'need_ended', 0.85],
    ['in-house', 'need_ended', 0.6],
    ['in house', 'need_ended', 0.5],
  ]),
  ...entries('staff', [
    ['rude', 'staff_attitude', 0.8],
    ['unprofessional', 'staff_attitude', 0.8],
    ['unhelpful', 'staff_attitude', 0.7],
    ['poor service', 'staff_attitude', 0.6],
    ['bad service', 'staff_attitude', 0.6],
    ['never called back', 'staff_response', 0.8],
    ['never got back', 'staff_response', 0.8],
    ['no response', 'staff_response', 0.6],
    ['slow response', 'staff_response', 0.7],
    ['slow to respond', 'staff_response', 0.7],
  ]),
  ...entries('over_contact', [
    ['too many emails', 'too_many_messages', 0.9],
    ['too many e-mails', 'too_many_messages', 0.9],
    ['too many calls', 'too_many_messages', 0.9],
    ['too many messages', 'too_many_messages', 0.9],
    ['too frequent', 'too_many_messages', 0.7],
    ['spam', 'too_many_messages', 0.6],
    ['pushy', 'too_many_messages', 0.7],
    ['stop emailing', 'too_many_messages', 0.8],
    ['stop calling', 'too_many_messages', 0.8],
  ]),
];
