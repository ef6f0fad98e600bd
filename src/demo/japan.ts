/**
 * Geography and names of the demo company's Japan: the 47 prefectures with real postal-code
 * prefixes (first three digits), an approximate centre, a telephone area code and a weight for
 * how many businesses sit there, plus the name parts people and companies are built from.
 */

export type Region = 'hokkaido_tohoku' | 'kanto' | 'chubu' | 'kinki' | 'chugoku_shikoku' | 'kyushu';

export interface Prefecture {
  name: string;
  region: Region;
  /** First three digits of real postal codes in the prefecture. */
  postalPrefixes: readonly string[];
  lat: number;
  lng: number;
  areaCode: string;
  /** Relative share of business customers. */
  weight: number;
  cities: readonly string[];
}

/** name|region|postal prefixes|lat|lng|area code|weight|cities */
const PREFECTURE_TABLE = `
北海道|hokkaido_tohoku|060 062 003 053 070 080|43.06|141.35|011|3.5|札幌市中央区 札幌市北区 苫小牧市 旭川市 帯広市
青森県|hokkaido_tohoku|030 031 036|40.82|140.74|017|0.8|青森市 八戸市 弘前市
岩手県|hokkaido_tohoku|020 024|39.7|141.15|019|0.8|盛岡市 北上市
宮城県|hokkaido_tohoku|980 981 983 985|38.27|140.87|022|1.7|仙台市青葉区 仙台市宮城野区 名取市 多賀城市
秋田県|hokkaido_tohoku|010 011|39.72|140.1|018|0.6|秋田市 大仙市
山形県|hokkaido_tohoku|990 992|38.24|140.36|023|0.8|山形市 米沢市
福島県|hokkaido_tohoku|960 963 970|37.75|140.47|024|1.3|福島市 郡山市 いわき市
茨城県|kanto|310 300 305 312|36.34|140.45|029|2.3|水戸市 土浦市 つくば市 日立市
栃木県|kanto|320 321 323 329|36.57|139.88|028|1.6|宇都宮市 小山市 栃木市
群馬県|kanto|370 371 372 373|36.39|139.06|027|1.6|高崎市 前橋市 太田市 伊勢崎市
埼玉県|kanto|330 331 332 335 340 350 360|35.86|139.65|048|5.2|さいたま市大宮区 川口市 川越市 草加市 熊谷市 所沢市
千葉県|kanto|260 261 270 273 275 290|35.61|140.12|043|4.0|千葉市中央区 船橋市 松戸市 市川市 市原市
東京都|kanto|100 101 103 104 105 108 110 130 141 143 160 170 190 192|35.69|139.69|03|14.0|千代田区 中央区 港区 品川区 大田区 江東区 墨田区 新宿区 板橋区 八王子市 立川市
神奈川県|kanto|220 210 211 222 231 243 250 252 254|35.45|139.64|045|7.0|横浜市西区 横浜市港北区 川崎市川崎区 相模原市 厚木市 平塚市 藤沢市
新潟県|chubu|950 940 943 945|37.9|139.02|025|1.6|新潟市中央区 長岡市 上越市 燕市
富山県|chubu|930 933 939|36.7|137.21|076|0.9|富山市 高岡市
石川県|chubu|920 921 923|36.59|136.63|076|0.9|金沢市 白山市 小松市
福井県|chubu|910 915 916|36.07|136.22|0776|0.6|福井市 越前市 鯖江市
山梨県|chubu|400 403|35.66|138.57|055|0.6|甲府市 富士吉田市
長野県|chubu|380 390 392 399|36.65|138.18|026|1.6|長野市 松本市 諏訪市 伊那市
岐阜県|chubu|500 501 503 509|35.39|136.72|058|1.6|岐阜市 大垣市 各務原市 多治見市
静岡県|chubu|420 410 411 430 435|34.98|138.38|054|3.0|静岡市葵区 浜松市中央区 沼津市 富士市 磐田市
愛知県|chubu|450 453 460 464 471 444 440 486|35.18|136.91|052|7.2|名古屋市中区 名古屋市中村区 豊田市 岡崎市 豊橋市 一宮市 春日井市 刈谷市
三重県|kinki|514 510 512 518|34.73|136.51|059|1.4|津市 四日市市 鈴鹿市 伊賀市
滋賀県|kinki|520 524 525 527|35.0|135.87|077|1.1|大津市 草津市 守山市 東近江市
京都府|kinki|600 601 604 610 611|35.02|135.76|075|2.0|京都市下京区 京都市南区 宇治市 福知山市
大阪府|kinki|530 541 550 556 564 570 577 590 596|34.69|135.5|06|8.0|大阪市北区 大阪市中央区 大阪市西区 東大阪市 堺市堺区 吹田市 守口市 岸和田市
兵庫県|kinki|650 651 660 670 673 675|34.69|135.18|078|4.0|神戸市中央区 神戸市西区 尼崎市 姫路市 明石市 加古川市
奈良県|kinki|630 634 639|34.69|135.83|0742|0.8|奈良市 橿原市 大和郡山市
和歌山県|kinki|640 649|34.23|135.17|073|0.6|和歌山市 海南市
鳥取県|chugoku_shikoku|680 683|35.5|134.24|0857|0.4|鳥取市 米子市
島根県|chugoku_shikoku|690 693|35.47|133.05|0852|0.4|松江市 出雲市
岡山県|chugoku_shikoku|700 710 712|34.66|133.93|086|1.5|岡山市北区 倉敷市 総社市
広島県|chugoku_shikoku|730 732 720 739|34.4|132.46|082|2.4|広島市中区 広島市南区 福山市 東広島市 呉市
山口県|chugoku_shikoku|753 745 755 740|34.19|131.47|083|1.0|山口市 周南市 宇部市 岩国市
徳島県|chugoku_shikoku|770 771|34.07|134.56|088|0.5|徳島市 阿南市
香川県|chugoku_shikoku|760 761 763|34.34|134.04|087|0.8|高松市 丸亀市 坂出市
愛媛県|chugoku_shikoku|790 791 792 799|33.84|132.77|089|1.0|松山市 新居浜市 今治市 四国中央市
高知県|chugoku_shikoku|780 781|33.56|133.53|088|0.4|高知市 南国市
福岡県|kyushu|810 812 802 806 830 820|33.59|130.4|092|4.3|福岡市博多区 福岡市中央区 北九州市小倉北区 北九州市八幡西区 久留米市 飯塚市
佐賀県|kyushu|840 841|33.25|130.3|0952|0.5|佐賀市 鳥栖市
長崎県|kyushu|850 852 857|32.75|129.87|095|0.8|長崎市 佐世保市 諫早市
熊本県|kyushu|860 861 862 869|32.79|130.74|096|1.2|熊本市中央区 熊本市東区 菊陽町 八代市
大分県|kyushu|870 871 874|33.24|131.61|097|0.8|大分市 中津市 別府市
宮崎県|kyushu|880 885 889|31.91|131.42|0985|0.7|宮崎市 都城市 延岡市
鹿児島県|kyushu|890 891 899|31.56|130.56|099|1.0|鹿児島市 霧島市 薩摩川内市
沖縄県|kyushu|900 901 904|26.21|127.68|098|0.9|那覇市 浦添市 沖縄市
`;

export const PREFECTURES: readonly Prefecture[] = PREFECTURE_TABLE.trim()
  .split('\n')
  .map((line) => {
    const [name, region, postal, lat, lng, areaCode, weight, cities] = line.split('|') as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return {
      name,
      region: region as Region,
      postalPrefixes: postal.split(' '),
      lat: Number(lat),
      lng: Number(lng),
      areaCode,
      weight: Number(weight),
      cities: cities.split(' '),
    };
  });

export const PREFECTURE_WEIGHTS: readonly number[] = PREFECTURES.map((x) => x.weight);

export const SURNAMES =
  '佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 西村 藤井 金子 岡本 藤原 三浦 中野 中川 原田 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野'.split(
    ' ',
  );

/** Romanised surnames, same order as SURNAMES, for e-mail addresses. */
export const SURNAMES_ROMAJI =
  'sato suzuki takahashi tanaka ito watanabe yamamoto nakamura kobayashi kato yoshida yamada sasaki yamaguchi matsumoto inoue kimura hayashi saito shimizu yamazaki mori ikeda hashimoto abe ishikawa yamashita nakajima ishii ogawa maeda okada hasegawa fujita goto kondo murakami endo aoki sakamoto saitoh fukuda ota nishimura fujii kaneko okamoto fujiwara miura nakano nakagawa harada matsuda takeuchi ono tamura nakayama wada ishida morita ueda hara uchida shibata sakai miyazaki yokoyama takagi ando miyamoto oono'.split(
    ' ',
  );

export const GIVEN_NAMES_MALE: readonly (readonly [string, string])[] =
  '健一:kenichi 誠:makoto 大輔:daisuke 翔太:shota 拓也:takuya 和也:kazuya 直樹:naoki 浩二:koji 隆:takashi 修:osamu 亮:ryo 達也:tatsuya 雄一:yuichi 剛:tsuyoshi 蓮:ren 悠斗:yuto'
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]);

export const GIVEN_NAMES_FEMALE: readonly (readonly [string, string])[] =
  '美咲:misaki 由美:yumi 彩:aya 陽子:yoko 恵:megumi 真由美:mayumi 直子:naoko 愛:ai 香織:kaori 結衣:yui 早紀:saki 麻衣:mai 千尋:chihiro 里美:satomi 葵:aoi 花子:hanako'
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]);

/** Stems of company names: place-like, auspicious and family names, plus a few Latin ones. */
/** Stem and its romanisation (for e-mail domains). */
export const COMPANY_STEMS: readonly (readonly [string, string])[] =
  '東洋:toyo 日東:nitto 大和:yamato 北陸:hokuriku 三協:sankyo 丸栄:maruei 協和:kyowa 昭和:showa 中央:chuo 富士:fuji 新星:shinsei 光洋:koyo 平和:heiwa 朝日:asahi 旭:kyokujitsu 太平:taihei 明和:meiwa 共栄:kyoei 千代田:chiyoda 相模:sagami 浪速:naniwa 尾張:owari 北斗:hokuto 三栄:san-ei 大洋:taiyo 日進:nisshin 東邦:toho 関東:kanto 近畿:kinki 中部:chubu 九州:kyushu 山陽:sanyo 信越:shinetsu 東海:tokai 西日本:nishinihon 東亜:toa 日本橋:nihonbashi 城南:jonan 京浜:keihin 阪神:hanshin 湘南:shonan 常磐:joban 武蔵:musashi 大成:taisei 協栄:kyoei2 丸一:maruichi 三和:sanwa 第一:daiichi 日栄:nichiei 泉:izumi 若葉:wakaba 青葉:aoba 桜井:sakurai 松井:matsui 村田:murata 杉山:sugiyama 大塚:otsuka 野村:nomura 岩田:iwata 高田:takada 福井:fukui 森本:morimoto 川口:kawaguchi 長田:nagata 小松:komatsu 石原:ishihara 今井:imai 堀:hori 河合:kawai 丸山:maruyama'
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]);

export const LATIN_STEMS = 'ABC NKS TMC KSP JTEC MTS HKR ORBIT NXT SKY'.split(' ');

export const COMPANY_MIDDLES = [
  '',
  '',
  '',
  'テクノ',
  'エンジニアリング',
  'システム',
  'メタル',
  'プラント',
  '精密',
  'ケミカル',
] as const;

/** Business words and the industry they suggest. */
/** Business word, its romanisation, and the industry it suggests. */
export const COMPANY_TRADES: readonly (readonly [word: string, romaji: string, industry: string])[] = [
  ['工業', 'kogyo', '製造業(金属加工)'],
  ['製作所', 'ss', '製造業(機械)'],
  ['精機', 'seiki', '製造業(精密機器)'],
  ['産業', 'sangyo', '製造業(金属加工)'],
  ['商事', 'shoji', '卸売業'],
  ['化成', 'kasei', '化学工業'],
  ['電機', 'denki', '製造業(電子部品)'],
  ['金属', 'kinzoku', '製造業(金属加工)'],
  ['機工', 'kiko', '製造業(機械)'],
  ['技研', 'giken', '製造業(精密機器)'],
  ['建設', 'kensetsu', '建設業'],
  ['運輸', 'unyu', '運輸・倉庫'],
  ['食品', 'foods', '食品製造'],
  ['物産', 'bussan', '卸売業'],
  ['樹脂', 'jushi', '化学工業'],
  ['鉄工所', 'tekko', '製造業(金属加工)'],
  ['印刷', 'print', '印刷業'],
  ['自動車部品', 'autoparts', '製造業(自動車部品)'],
  ['設備', 'setsubi', '設備工事業'],
  ['ロジスティクス', 'logi', '運輸・倉庫'],
];

export const DEPARTMENTS = '購買部 資材課 総務部 製造部 生産管理課 工務課 品質保証部 設備保全課'.split(' ');
export const ROLES = '部長 課長 係長 主任 担当'.split(' ');

/** A day count (days since 1970-01-01, UTC) as 'YYYY-MM-DD'. */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' → day count since 1970-01-01 (UTC). */
export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}
