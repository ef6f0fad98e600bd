/**
 * Which header of an exported file means which canonical import column (SPEC "Canonical import
 * columns"). Sales systems, EC platforms and CRMs name the same column differently
 * (顧客コード, 取引先コード, customer code …); every name listed here is accepted. Headers are
 * compared after NFKC (full-width letters and digits), lower case, and with spaces, `_`, `-`,
 * `・`, `.` and brackets removed, so `Customer ID`, `customer_id` and `ＣＵＳＴＯＭＥＲ＿ＩＤ`
 * are the same header. `row`, `column` and `reason` are deliberately never aliases: they are the
 * first columns of a reject file, which can be fixed and imported again.
 */

export const IMPORT_KIND_NAMES = [
  'customers',
  'contacts',
  'orders',
  'subscriptions',
  'events',
  'changes',
] as const;
export type ImportKindName = (typeof IMPORT_KIND_NAMES)[number];

const CUSTOMER_ID = [
  'customer_id',
  'customer code',
  'customer_no',
  'client_id',
  'account_id',
  '顧客ID',
  '顧客コード',
  '顧客番号',
  '顧客No',
  '取引先コード',
  '取引先ID',
  '取引先番号',
  '得意先コード',
  '得意先ID',
  '会員ID',
  '会員番号',
];
const EMAIL = [
  'email',
  'e-mail',
  'mail',
  'email_address',
  'mail address',
  'メール',
  'メールアドレス',
  'Eメール',
  'Eメールアドレス',
];
const PHONE = [
  'phone',
  'tel',
  'telephone',
  'phone_number',
  '電話',
  '電話番号',
  'TEL',
  '連絡先電話番号',
  '携帯電話',
  '携帯番号',
];
const PRODUCT = [
  'product',
  'product_name',
  'item',
  'item_name',
  '商品名',
  '商品',
  '品名',
  '製品名',
  '製品',
  'サービス名',
];
const CATEGORY = [
  'category',
  'product_category',
  '商品カテゴリ',
  '商品カテゴリー',
  'カテゴリ',
  'カテゴリー',
  '分類',
  '商品分類',
  '品目',
];

/** Canonical column → accepted header names (the canonical name itself is always accepted). */
export const COLUMN_ALIASES: Readonly<Record<ImportKindName, Readonly<Record<string, readonly string[]>>>> = {
  customers: {
    customer_id: [...CUSTOMER_ID, 'id'],
    name: [
      'company',
      'company_name',
      'customer_name',
      '会社名',
      '顧客名',
      '取引先名',
      '得意先名',
      '氏名',
      '名前',
      '企業名',
      '法人名',
      '屋号',
      'お客様名',
      '会員名',
    ],
    kind: ['customer_type', 'type', '種別', '顧客種別', '法人個人', '法人/個人', '区分', '顧客区分'],
    email: EMAIL,
    phone: PHONE,
    postal_code: ['zip', 'zipcode', 'zip_code', 'postcode', 'postal', '郵便番号', '〒'],
    prefecture: ['state', '都道府県', '県'],
    address: ['street', '住所', '所在地', '住所1', '番地'],
    lat: ['latitude', '緯度'],
    lng: ['lon', 'long', 'longitude', '経度'],
    industry: ['sector', '業種', '業界'],
    employees: ['employee_count', 'headcount', 'number_of_employees', '従業員数', '社員数', '従業員'],
    owner: [
      'sales_rep',
      'account_owner',
      'rep',
      '担当者',
      '営業担当',
      '担当営業',
      '営業担当者',
      '担当',
      '担当者名',
    ],
    tags: ['tag', 'labels', 'タグ', 'ラベル'],
    created_at: [
      'registered_at',
      'signup_date',
      'created',
      '登録日',
      '作成日',
      '取引開始日',
      '入会日',
      '会員登録日',
      '登録日時',
    ],
    email_opt_in: [
      'email_ok',
      'newsletter',
      'メール配信',
      'メール配信可否',
      'メルマガ',
      'メルマガ購読',
      'メール許諾',
      'メール可',
    ],
    sms_opt_in: ['sms_ok', 'SMS配信', 'SMS配信可否', 'SMS許諾', 'SMS可'],
    dm_ok: ['dm_opt_in', 'DM可', 'DM送付可', 'DM可否', 'DM送付', 'DM'],
    phone_ok: ['call_ok', '電話可', '架電可', '電話連絡可', '架電可否'],
    do_not_contact: ['dnc', '連絡不可', '接触禁止', '連絡禁止', 'コンタクト禁止'],
  },
  contacts: {
    contact_id: ['id', '担当者ID', '担当者コード', '連絡先ID', 'コンタクトID', '個人ID'],
    customer_id: CUSTOMER_ID,
    name: ['contact_name', 'full_name', '氏名', '担当者名', '担当者', '名前', 'お名前'],
    email: EMAIL,
    phone: PHONE,
    department: ['dept', 'division', '部署', '部署名', '部門', '所属'],
    role: ['title', 'job_title', 'position', '役職', '肩書', '肩書き'],
    status: ['employment_status', '在籍状況', '在籍', 'ステータス', '状態'],
    updated_at: ['updated', 'last_updated', '更新日', '更新日時', '最終更新日'],
  },
  orders: {
    order_id: [
      'id',
      'order_no',
      'order_number',
      '受注ID',
      '受注番号',
      '注文ID',
      '注文番号',
      '伝票番号',
      '売上ID',
      '売上番号',
      '購入ID',
      '取引ID',
    ],
    customer_id: CUSTOMER_ID,
    ordered_at: [
      'order_date',
      'date',
      'purchased_at',
      '受注日',
      '注文日',
      '購入日',
      '売上日',
      '取引日',
      '日付',
      '購入日時',
      '注文日時',
      '受注日時',
    ],
    amount: [
      'total',
      'order_amount',
      'sales',
      '金額',
      '売上金額',
      '税込金額',
      '合計金額',
      '売上',
      '購入金額',
      '注文金額',
      '受注金額',
      '合計',
      '金額(税込)',
      '売上高',
    ],
    gross_margin: ['margin', 'gross_profit', 'profit', '粗利', '粗利益', '粗利額', '利益'],
    product: PRODUCT,
    category: CATEGORY,
    quantity: ['qty', 'units', '数量', '個数', '点数'],
    channel: ['sales_channel', 'source', '販売チャネル', 'チャネル', '経路', '購入経路', '受注経路', '販路'],
  },
  subscriptions: {
    subscription_id: [
      'id',
      'contract_id',
      '契約ID',
      '契約番号',
      'サブスクリプションID',
      '定期ID',
      '定期購入ID',
    ],
    customer_id: CUSTOMER_ID,
    plan: ['plan_name', 'course', 'プラン', '契約プラン', 'コース', 'プラン名'],
    started_at: ['start_date', 'started', '開始日', '契約開始日', '利用開始日', '申込日'],
    ended_at: ['end_date', 'cancelled_at', 'canceled_at', '終了日', '解約日', '契約終了日'],
    mrr: ['monthly_amount', 'monthly_fee', '月額', '月額料金', '月額金額', '月額費用'],
    cancel_reason: ['churn_reason', 'cancellation_reason', '解約理由', '解約事由'],
  },
  events: {
    event_id: ['id', 'イベントID', '履歴ID', 'ログID'],
    customer_id: CUSTOMER_ID,
    email: EMAIL,
    type: ['event_type', 'event', 'action', '種別', 'イベント種別', '種類', 'アクション', '行動'],
    occurred_at: [
      'timestamp',
      'date',
      'time',
      'datetime',
      'created_at',
      '日時',
      '発生日時',
      '日付',
      '実施日',
      '対応日',
      '受付日時',
    ],
    channel: ['medium', 'チャネル', '媒体'],
    campaign: ['campaign_name', 'キャンペーン', 'キャンペーン名', '施策', '施策名'],
    url: ['page', 'page_url', 'ページ', 'ページURL', 'URL'],
    text: [
      'body',
      'note',
      'memo',
      'message',
      'comment',
      '内容',
      '本文',
      'メモ',
      '備考',
      '問い合わせ内容',
      'コメント',
      '回答',
    ],
    value: ['amount', 'count', 'usage', '値', '数値', '利用量', '利用回数'],
    properties: ['props', 'attributes', 'metadata', '属性'],
  },
  changes: {
    change_id: ['id', '変更ID', '施策ID', '改定ID'],
    kind: ['type', 'change_type', '種別', '変更種別', '区分'],
    product: PRODUCT,
    category: CATEGORY,
    started_at: ['date', 'start_date', 'effective_date', '開始日', '実施日', '発生日', '適用日', '改定日'],
    resolved_at: ['resolved', 'fixed_at', '解決日', '対応完了日', '改善日', '完了日'],
    description: ['note', 'details', 'memo', '内容', '説明', '詳細', '備考', '概要'],
  },
};

const IGNORED_IN_HEADER = /[\s_\-・.()[\]{}【】「」]/g;

/**
 * A header as compared with the aliases: NFKC, lower case, no spaces, `_`, `-`, `・`, `.` or brackets.
 *
 * @example headerKey('ＣＵＳＴＯＭＥＲ＿ＩＤ') === headerKey('Customer ID') // "customerid"
 */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(IGNORED_IN_HEADER, '');
}

const aliasIndexes = new Map<ImportKindName, Map<string, string>>();

function aliasIndex(kind: ImportKindName): Map<string, string> {
  let index = aliasIndexes.get(kind);
  if (!index) {
    index = new Map();
    for (const [column, aliases] of Object.entries(COLUMN_ALIASES[kind])) {
      index.set(headerKey(column), column);
      for (const alias of aliases) if (!index.has(headerKey(alias))) index.set(headerKey(alias), column);
    }
    aliasIndexes.set(kind, index);
  }
  return index;
}

export interface HeaderMapping {
  /** For each position of the file's header, the canonical column it fills, or null (ignored). */
  readonly columns: readonly (string | null)[];
  /** Headers that mean nothing for this kind, in file order. */
  readonly unknown: readonly string[];
  /** Headers that name a column an earlier header already fills: [header, canonical column]. */
  readonly repeated: readonly (readonly [string, string])[];
}

/** A header as a person's column choice names it: NFKC and trimmed (Excel pads some headers). */
export function chosenHeaderKey(header: string): string {
  return header.normalize('NFKC').trim();
}

/**
 * Maps a file's header to canonical columns. The first header naming a column wins. `chosen`
 * (a person's choices by chosenHeaderKey: column, or null to ignore) goes first: a chosen
 * header takes its column before any alias, the other headers fall back to the aliases.
 *
 * @example mapHeader('orders', ['受注番号', '顧客コード', '受注日', '金額(税込)']).columns
 *   // ['order_id', 'customer_id', 'ordered_at', 'amount']
 */
export function mapHeader(
  kind: ImportKindName,
  header: readonly string[],
  chosen?: ReadonlyMap<string, string | null>,
): HeaderMapping {
  const index = aliasIndex(kind);
  // undefined: not chosen; null: chosen to be ignored.
  const picks = header.map((raw) => {
    const key = chosenHeaderKey(raw);
    return chosen?.has(key) ? (chosen.get(key) ?? null) : undefined;
  });
  const taken = new Set<string>();
  const columns = picks.map((pick) => {
    if (!pick || taken.has(pick)) return null;
    taken.add(pick);
    return pick;
  });
  const unknown: string[] = [];
  const repeated: [string, string][] = [];
  header.forEach((raw, i) => {
    if (picks[i] !== undefined) return;
    const column = index.get(headerKey(raw)) ?? null;
    if (column === null) {
      if (raw.trim() !== '') unknown.push(raw);
    } else if (taken.has(column)) {
      repeated.push([raw, column]);
    } else {
      taken.add(column);
      columns[i] = column;
    }
  });
  return { columns, unknown, repeated };
}

/** The column's usual Japanese header (its first Japanese alias), or null when it has none. */
export function japaneseHeader(kind: ImportKindName, column: string): string | null {
  return (COLUMN_ALIASES[kind][column] ?? []).find((alias) => /[^\p{ASCII}]/u.test(alias)) ?? null;
}

/**
 * The headers accepted for a column, for messages ("add a column customer_id (or 顧客ID, …)").
 *
 * @example acceptedHeaders('orders', 'amount').slice(0, 3) // ['amount', 'total', 'order_amount']
 */
export function acceptedHeaders(kind: ImportKindName, column: string): string[] {
  return [column, ...(COLUMN_ALIASES[kind][column] ?? []).filter((alias) => alias !== column)];
}
