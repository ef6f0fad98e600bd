/**
 * The two demo businesses: a Japanese B2B supplier of industrial consumables and equipment
 * (with a small SaaS line for stock management), and an e-commerce shop selling consumables
 * with subscription deliveries (定期便). Catalogue, prices, margins and sales reps.
 */

export type DemoKind = 'b2b' | 'ec';

export interface Product {
  sku: string;
  name: string;
  category: string;
  priceYen: number;
  /** Gross margin as a share of the amount. */
  marginRate: number;
  /** Relative frequency among the category's orders. */
  popularity: number;
}

export interface Rep {
  name: string;
  homePrefecture: string;
  /** Prefectures whose accounts this rep owns. */
  prefectures: readonly string[];
}

export interface SubscriptionPlan {
  plan: string;
  mrrYen: number;
}

export interface BusinessProfile {
  kind: DemoKind;
  /** Our company: the sender of every message. */
  companyName: string;
  categories: readonly string[];
  products: readonly Product[];
  /** Current owners; empty for the shop (no field sales). */
  reps: readonly Rep[];
  /** The subscription line: SaaS for the supplier, 定期便 for the shop. */
  subscriptionName: string;
  subscriptionPlans: readonly SubscriptionPlan[];
  /** Share of purchasing customers who also subscribe. */
  subscriptionShare: number;
  /** Median of customers' own purchase cycles, in days. */
  medianCycleDays: number;
  /** Median spend per order (yen) of a typical customer. */
  medianBasketYen: number;
  /** Order channels and their weights. */
  orderChannels: readonly (readonly [channel: string, weight: number])[];
  /** Days between newsletter campaigns (sent during the last two years). */
  newsletterEveryDays: number;
  /** Relative order volume per month (January first); 年度末 March is high, お盆 August low. */
  seasonality: readonly number[];
}

/** sku|name|category|price|margin|popularity */
const B2B_CATALOGUE = `
CT-EM06|超硬エンドミル φ6|切削工具|4800|0.34|5
CT-DR13|HSSドリルセット 13本組|切削工具|12000|0.3|2
CT-IN10|スローアウェイチップ 10個入|切削工具|9800|0.33|4
CT-TP08|スパイラルタップ M8|切削工具|2400|0.36|3
AB-GW46|研削砥石 A46 φ205|研磨材|3200|0.35|3
AB-SP100|耐水サンドペーパー 100枚|研磨材|2800|0.38|4
AB-FD10|フラップディスク 10枚入|研磨材|4500|0.35|3
PP-GL10|耐切創手袋 10双|保護具|6800|0.4|5
PP-GG01|保護メガネ 曇り止め|保護具|1500|0.42|3
PP-MK20|防じんマスク DS2 20枚|保護具|3600|0.4|4
PP-SH01|安全靴 JIS規格|保護具|8900|0.38|1
LU-CO18|水溶性切削油 18L|潤滑油・ケミカル|18500|0.28|4
LU-MO20|マシン油 20L|潤滑油・ケミカル|14800|0.27|3
LU-RP24|防錆スプレー 24本|潤滑油・ケミカル|9600|0.3|3
LU-DG18|脱脂洗浄剤 18L|潤滑油・ケミカル|12400|0.29|2
PK-SF06|ストレッチフィルム 6巻|梱包資材|7200|0.24|4
PK-CB100|段ボール箱 A式 100枚|梱包資材|11000|0.25|3
PK-BW01|気泡緩衝材 ロール|梱包資材|5400|0.26|3
PK-PP01|PPバンド 手締め用|梱包資材|3800|0.27|2
MS-VC01|デジタルノギス 150mm|計測機器|9800|0.32|3
MS-MM01|外側マイクロメーター|計測機器|16500|0.31|2
MS-SR01|表面粗さ計|計測機器|380000|0.26|0.15
EQ-DC01|集塵機 1.5kW|工場設備|680000|0.22|0.2
EQ-CP75|スクリューコンプレッサー 7.5kW|工場設備|1250000|0.2|0.1
EQ-TC01|工具管理キャビネット|工場設備|245000|0.24|0.3
`;

/** sku|name|category|price|margin|popularity */
const EC_CATALOGUE = `
CF-BL200|オリジナルブレンド 200g|コーヒー豆|1480|0.48|6
CF-DC200|デカフェ コロンビア 200g|コーヒー豆|1680|0.46|2
CF-DB10|ドリップバッグ 10袋|コーヒー豆|1200|0.5|5
TE-GR100|有機緑茶 100g|紅茶・お茶|1300|0.47|3
TE-HB20|ハーブティー 20包|紅茶・お茶|1580|0.5|2
SK-LT150|保湿ローション 150ml|スキンケア|2980|0.62|4
SK-CR50|薬用クリーム 50g|スキンケア|3480|0.64|2
SP-VC60|ビタミンC 60日分|サプリメント|1980|0.56|4
SP-LA30|乳酸菌サプリ 30日分|サプリメント|2680|0.55|3
PF-DG3K|国産ドッグフード 3kg|ペットフード|4280|0.3|3
PF-CT2K|グレインフリー キャットフード 2kg|ペットフード|3680|0.31|3
DL-DS01|詰め替え洗剤 1.2L|日用品|880|0.34|3
DL-FL01|ドリップフィルター 100枚|日用品|420|0.4|2
`;

function parseCatalogue(table: string): Product[] {
  return table
    .trim()
    .split('\n')
    .map((line) => {
      const [sku, name, category, price, margin, popularity] = line.split('|') as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        sku,
        name,
        category,
        priceYen: Number(price),
        marginRate: Number(margin),
        popularity: Number(popularity),
      };
    });
}

function categoriesOf(products: readonly Product[]): string[] {
  return [...new Set(products.map((x) => x.category))];
}

const b2bProducts = parseCatalogue(B2B_CATALOGUE);
const ecProducts = parseCatalogue(EC_CATALOGUE);

/** The rep who handed over the 北海道・東北 accounts in the staff change. */
export const DEPARTED_REP = '渡辺 浩二';
export const STAFF_CHANGE_REP = '小林 翔太';

const B2B_REPS: readonly Rep[] = [
  { name: '佐藤 健一', homePrefecture: '東京都', prefectures: ['東京都', '神奈川県', '山梨県'] },
  {
    name: '鈴木 美咲',
    homePrefecture: '埼玉県',
    prefectures: ['埼玉県', '千葉県', '茨城県', '栃木県', '群馬県'],
  },
  { name: '高橋 誠', homePrefecture: '愛知県', prefectures: ['愛知県', '静岡県', '岐阜県', '三重県'] },
  {
    name: '田中 由美',
    homePrefecture: '大阪府',
    prefectures: ['大阪府', '京都府', '兵庫県', '奈良県', '滋賀県', '和歌山県'],
  },
  {
    name: '伊藤 大輔',
    homePrefecture: '福岡県',
    prefectures: ['福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県'],
  },
  {
    name: STAFF_CHANGE_REP,
    homePrefecture: '宮城県',
    prefectures: ['北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県'],
  },
  {
    name: '山本 彩',
    homePrefecture: '広島県',
    prefectures: ['広島県', '岡山県', '山口県', '鳥取県', '島根県', '香川県', '徳島県', '愛媛県', '高知県'],
  },
  {
    name: '中村 拓也',
    homePrefecture: '新潟県',
    prefectures: ['新潟県', '長野県', '富山県', '石川県', '福井県'],
  },
];

export const PROFILES: Record<DemoKind, BusinessProfile> = {
  b2b: {
    kind: 'b2b',
    companyName: 'めざめ産業資材株式会社',
    categories: categoriesOf(b2bProducts),
    products: b2bProducts,
    reps: B2B_REPS,
    subscriptionName: '在庫管理クラウド「めざめストック」',
    subscriptionPlans: [
      { plan: 'ライト', mrrYen: 9800 },
      { plan: 'スタンダード', mrrYen: 29800 },
      { plan: 'プロ', mrrYen: 59800 },
    ],
    subscriptionShare: 0.22,
    medianCycleDays: 110,
    medianBasketYen: 38000,
    orderChannels: [
      ['web', 5],
      ['sales_rep', 3],
      ['fax', 2],
      ['phone', 1],
    ],
    newsletterEveryDays: 45,
    seasonality: [0.85, 1.0, 1.35, 1.0, 0.95, 1.0, 1.0, 0.7, 1.1, 1.0, 1.0, 1.15],
  },
  ec: {
    kind: 'ec',
    companyName: 'めざめ珈琲と暮らしの店',
    categories: categoriesOf(ecProducts),
    products: ecProducts,
    reps: [],
    subscriptionName: '定期便',
    subscriptionPlans: [
      { plan: 'コーヒー定期便 月1回', mrrYen: 3480 },
      { plan: 'サプリ定期便', mrrYen: 4980 },
      { plan: 'ペットフード定期便', mrrYen: 5800 },
    ],
    subscriptionShare: 0.18,
    medianCycleDays: 60,
    medianBasketYen: 4200,
    orderChannels: [
      ['web', 6],
      ['app', 3],
      ['phone', 0.3],
    ],
    newsletterEveryDays: 30,
    seasonality: [0.9, 0.85, 0.95, 1.0, 1.0, 1.05, 1.15, 0.95, 0.95, 1.0, 1.1, 1.4],
  },
};

/** The rep owning accounts in a prefecture (the shop has none). */
export function ownerFor(profile: BusinessProfile, prefecture: string): string | null {
  for (const rep of profile.reps) if (rep.prefectures.includes(prefecture)) return rep.name;
  return profile.reps[0]?.name ?? null;
}
