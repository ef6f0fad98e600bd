/**
 * Why a customer went quiet (SPEC "Diagnose"). The seed's four main causes (商品・サービスへの不満,
 * 価格への不満, 顧客自身の環境変化, 単純な忘却) plus its recording choices (競合切替, ニーズ消失,
 * その他) and two of ours: staff/service trouble and too much marketing (seed 003: 「営業が多すぎる」).
 */
export const REASON_CATEGORIES = [
  'product',
  'price',
  'environment',
  'forgotten',
  'competitor',
  'need_gone',
  'staff',
  'over_contact',
  'other',
  'unknown',
] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

export function isReasonCategory(value: string): value is ReasonCategory {
  return (REASON_CATEGORIES as readonly string[]).includes(value);
}

/**
 * Labels a person or a survey form may use for a category (the seed's 休眠理由の体系化 choices
 * and the SPEC's category codes), compared after NFKC and lower-casing.
 */
const CATEGORY_LABELS: Record<ReasonCategory, readonly string[]> = {
  product: [
    'product',
    '品質・機能不満',
    '品質不満',
    '機能不満',
    '商品・サービスへの不満',
    '商品への不満',
    '製品不満',
  ],
  price: ['price', '価格不満', '価格', '価格への不満', '料金', '値段'],
  environment: ['environment', '担当者交代', '組織変更', '環境変化', '顧客環境の変化', '組織再編'],
  forgotten: ['forgotten', '忘却', '単純な忘却'],
  competitor: ['competitor', '競合切替', '競合', '他社へ乗り換え', '他社切替'],
  need_gone: ['need_gone', 'ニーズ消失', '不要になった', 'no longer needed'],
  staff: ['staff', '対応不満', '担当者の対応', 'サービス対応'],
  over_contact: ['over_contact', '連絡過多', '営業過多', 'too many messages'],
  other: ['other', 'その他'],
  unknown: ['unknown', '不明'],
};

const LABEL_TO_CATEGORY = new Map<string, ReasonCategory>();
for (const category of REASON_CATEGORIES) {
  for (const label of CATEGORY_LABELS[category]) {
    LABEL_TO_CATEGORY.set(label.normalize('NFKC').toLowerCase(), category);
  }
}

/**
 * The category a whole answer names, when the answer is exactly one of the known labels (a survey
 * choice or a recorded reason code); null for free text.
 *
 * @example categoryFromLabel('価格不満') // 'price'
 */
export function categoryFromLabel(answer: string): ReasonCategory | null {
  const key = answer.normalize('NFKC').trim().toLowerCase();
  return LABEL_TO_CATEGORY.get(key) ?? null;
}
