/**
 * Texts customers write in inquiries, support tickets, survey answers and cancellations.
 * Written for the demo (Japanese first, some English), varied per reason so that reason
 * inference has to read them rather than match one fixed sentence. Neutral and positive
 * texts include negations (「品質に不満はない」) that must not be read as complaints.
 * Placeholders: {product} {category} {service} {competitor}.
 */
import type { Rng } from './random.js';

export type PlantedReason =
  | 'product'
  | 'price'
  | 'environment'
  | 'forgotten'
  | 'competitor'
  | 'need_gone'
  | 'staff'
  | 'over_contact'
  | 'other';

export const PLANTED_REASONS: readonly PlantedReason[] = [
  'product',
  'price',
  'environment',
  'forgotten',
  'competitor',
  'need_gone',
  'staff',
  'over_contact',
  'other',
];

const lines = (block: string) =>
  block
    .trim()
    .split('\n')
    .map((l) => l.trim());

const OPENERS_JA = lines(`
いつもお世話になっております。
お世話になります。
お疲れ様です。
突然のご連絡失礼いたします。
ご担当者様
`);

const CLOSERS_JA = lines(`
ご検討のほどよろしくお願いいたします。
よろしくお願いいたします。
改善されるようであれば、また相談させてください。
お手数ですがご確認ください。
以上、取り急ぎご連絡まで。
`);

const PRODUCT_USABILITY_JA = lines(`
{product}の管理画面が分かりにくく、現場の担当者が使いこなせていません。
リニューアル後の画面で発注履歴がどこにあるのか分からず、毎回問い合わせることになっています。
{product}の操作が複雑で、入力ミスが増えてしまいました。
画面の動作が重く、在庫の更新に時間がかかりすぎます。
新しい管理画面になってから、CSV出力の手順が分からなくなりました。
使い方が難しいという声が社内で多く、利用を続けるか検討しています。
`);

const PRODUCT_QUALITY_JA = lines(`
納品された{product}に欠けがあり、加工不良が発生しました。
{product}の寿命が以前より明らかに短くなっています。品質の確認をお願いします。
前回の{category}はロットによって品質にばらつきがあり、現場から苦情が出ています。
{product}で不良が続いたため、別の製品を試すことになりました。
品質が安定しないので、しばらく発注を控えます。
`);

const PRODUCT_DELIVERY_JA = lines(`
{category}の納期が遅れており、ラインが止まりかけました。
欠品が続いているため、必要なときに届かず困っています。
{product}がいつ入荷するのか、見通しを教えてください。何度も遅延しています。
納期回答が守られないので、社内で調達先の見直しが始まっています。
`);

const PRICE_JA = lines(`
値上げ後の見積もりが予算を超えてしまい、今期は発注を見送ります。
{category}の価格改定で年間コストがかなり増えるため、購入量を見直しています。
今回の値上げ幅は厳しく、上長の決裁が下りませんでした。
以前の価格であれば継続したいのですが、値下げや数量割引の余地はありますか。
価格が高くなったので、しばらく様子を見ます。
原価が上がっているのは理解していますが、このままの単価では続けられません。
予算が削減され、値上げ後の単価では発注できなくなりました。
`);

const ENVIRONMENT_B2B_JA = lines(`
担当者が異動になり、後任が決まるまで発注を止めています。
前任の担当者が退職したため、引き継ぎができておりません。
組織再編で購買の窓口が本社に一本化されました。今後は本社購買部とやり取りをお願いします。
部署の統合により、備品の手配方法が変わりました。
担当が変わったばかりで、これまでの取引内容を把握できていません。
工場の移転準備中のため、しばらく発注の予定がありません。
`);

const ENVIRONMENT_EC_JA = lines(`
引っ越しのため、しばらく注文をお休みします。
出産・育児で生活が変わり、以前ほど利用できなくなりました。
転勤になり、届け先の住所が変わりました。
家族構成が変わって、必要な量が減りました。
`);

const COMPETITOR_JA = lines(`
他社製品への切り替えを検討中です。
{competitor}から同等品をもっと安く提案されています。
{competitor}の方が納期が早いため、今後はそちらで手配する予定です。
{competitor}の見積もりと比較していますので、条件を再提示いただけますか。
社内で購買先を{competitor}に集約することになりました。
他社のサービスに乗り換えることが決まりました。
`);

const NEED_GONE_B2B_JA = lines(`
事業縮小のため、当該ラインを閉鎖することになりました。
該当の製品の生産を終了したので、{category}は今後不要になります。
工場を閉鎖することになり、発注の予定がなくなりました。
加工を外注に切り替えたため、自社で{category}を使うことがなくなりました。
取引先の撤退で受注が減り、消耗品の使用量が大幅に減っています。
`);

const NEED_GONE_EC_JA = lines(`
もう必要がなくなったので解約します。
ペットが亡くなったため、フードの定期便を止めたいです。
体質が変わり、この商品を使わなくなりました。
在庫が余っているので、しばらく購入の予定はありません。
`);

const STAFF_B2B_JA = lines(`
営業担当の対応が遅く、見積もりの回答に二週間かかりました。
新しい担当者と連絡がつかず、困っています。
担当が変わってから提案がなくなり、こちらの状況も把握されていないようです。
問い合わせへの折り返しがなく、不信感があります。
前任の方には良くしていただいたのですが、引き継ぎが不十分だと感じます。
訪問時の説明が不十分で、こちらの要望が伝わっていないようです。
`);

const STAFF_EC_JA = lines(`
問い合わせ窓口の対応が冷たく感じました。
メールで問い合わせましたが、返信まで一週間以上かかりました。
電話がつながらず、返品の相談ができませんでした。
回答がテンプレートの繰り返しで、質問に答えてもらえませんでした。
`);

const PRICE_EC_JA = lines(`
値上げしてから、続けて買うのが難しくなりました。
{category}の価格が上がったので、しばらく購入を控えます。
以前の価格なら続けたいのですが、クーポンなどはありますか。
値上げ後は他の商品で代用しています。
`);

const OVER_CONTACT_JA = lines(`
メールの配信頻度が多すぎるので、配信を停止してください。
毎日のようにメールが届くので、必要な情報が埋もれてしまいます。
営業メールが多すぎます。今後は送らないでください。
案内が頻繁すぎて迷惑に感じています。
同じ内容のメールが何度も届きます。配信停止をお願いします。
`);

const OTHER_JA = lines(`
支払条件(締め日・支払サイト)が社内規定と合わなくなりました。
請求書の形式が変わり、経理処理ができなくなっています。
配送の時間指定ができないため、受け取りに困っています。
インボイス対応の書類が必要になりましたが、手続きが進んでいません。
取引口座の再登録が必要と言われ、そのままになっています。
`);

const NEUTRAL_JA = lines(`
見積もりをお願いします。数量は前回と同じです。
品質に不満はないのですが、納期だけ確認させてください。
いつも迅速に対応いただきありがとうございます。
価格には特に不満はありません。来月分もよろしくお願いします。
カタログの最新版を送っていただけますか。
請求書の宛名を変更したいのですが、手続きを教えてください。
他社からも提案がありましたが、引き続き御社にお願いすることにしました。
新しい管理画面は分かりやすくなりましたね。助かっています。
前回の品はとても使いやすかったです。追加でお願いします。
メールで紹介されていた新製品について詳しく知りたいです。
配送先を追加したいので、登録方法を教えてください。
サンプルを試してみたいのですが、取り寄せは可能ですか。
`);

const PRODUCT_USABILITY_EC_JA = lines(`
アプリの決済画面でエラーが出て、注文できませんでした。
アプリが新しくなってから、注文の手順が分かりにくくなりました。
ログインのたびにパスワードを求められて面倒です。
{product}で定期便の変更画面が見つかりません。
`);

const PRODUCT_QUALITY_EC_JA = lines(`
届いた{product}のパッケージが破れていました。
前回の{product}は風味が落ちていたように感じます。
{product}が肌に合わず、赤みが出てしまいました。
品質にばらつきがあるようで、しばらく購入を控えます。
`);

const PRODUCT_DELIVERY_EC_JA = lines(`
注文した{product}が予定日に届きませんでした。
欠品が多く、欲しいときに買えません。
配送が遅れて{category}を切らしてしまいました。
`);

const COMPETITOR_EC_JA = lines(`
{competitor}の方が安かったので、最近はそちらで買っています。
{competitor}の定期便に切り替えました。
他のお店に乗り換えることにしました。
{competitor}でポイントがたまるので、そちらを使っています。
`);

const OTHER_EC_JA = lines(`
後払いが使えなくなったので困っています。
配送の時間指定ができないため、受け取りに困っています。
ポイントの有効期限が切れてしまい、がっかりしました。
置き配に対応していないので、不在時に受け取れません。
`);

const NEUTRAL_EC_JA = lines(`
いつも丁寧な梱包ありがとうございます。
品質に不満はないのですが、届く日を確認させてください。
価格には特に不満はありません。次回もよろしくお願いします。
定期便のお届け日を変更したいです。
他のお店も試しましたが、やはりこちらの豆が好きです。
新しいアプリは使いやすくなりましたね。
ギフト包装はできますか。
`);

const EN = {
  product: lines(`
The new dashboard of {product} is confusing and our staff keep making mistakes.
We had repeated quality problems with {product}; please look into it.
Deliveries of {category} keep slipping and it is disrupting our production.
`),
  price: lines(`
After the price increase the quote is over our budget, so we will hold off for now.
The new prices for {category} are too high for us to continue at the same volume.
`),
  environment: lines(`
Our purchasing contact has moved to another department; please hold until a successor is named.
We are reorganising and purchasing will be handled by headquarters from now on.
`),
  competitor: lines(`
We are switching to another supplier that offered better terms.
We are evaluating a competitor's product and comparing quotes.
`),
  need_gone: lines(`
We are closing the production line, so we no longer need these supplies.
We no longer need this, please cancel.
`),
  staff: lines(`
Nobody has answered our inquiry for two weeks.
Since our account manager changed we have not heard from anyone.
`),
  over_contact: lines(`
You send far too many emails. Please unsubscribe me.
Too many newsletters, please stop.
`),
  other: lines(`
Our payment terms have changed and the current invoicing no longer works for us.
We need invoices in a different format before we can order again.
`),
  neutral: lines(`
Could you send us a quote for the same quantity as last time?
No complaints about the quality, just checking the delivery date.
Thanks for the quick delivery as always.
`),
};

const COMPETITORS_B2B = ['他社', 'K社', '地元の商社', '大手のネット通販', 'M社さん'];
const COMPETITORS_EC = ['他のショップ', '大手通販サイト', 'ドラッグストア', '近所のスーパー'];

export interface TextContext {
  product: string;
  category: string;
  service: string;
  isB2b: boolean;
}

export type TextReason = Exclude<PlantedReason, 'forgotten'>;

function fill(template: string, rng: Rng, ctx: TextContext): string {
  return template
    .replaceAll('{product}', ctx.product)
    .replaceAll('{category}', ctx.category)
    .replaceAll('{service}', ctx.service)
    .replaceAll('{competitor}', rng.choice(ctx.isB2b ? COMPETITORS_B2B : COMPETITORS_EC));
}

function bodies(reason: TextReason, topic: 'usability' | 'quality' | 'delivery', isB2b: boolean): string[] {
  switch (reason) {
    case 'product':
      if (topic === 'usability') return isB2b ? PRODUCT_USABILITY_JA : PRODUCT_USABILITY_EC_JA;
      if (topic === 'quality') return isB2b ? PRODUCT_QUALITY_JA : PRODUCT_QUALITY_EC_JA;
      return isB2b ? PRODUCT_DELIVERY_JA : PRODUCT_DELIVERY_EC_JA;
    case 'price':
      return isB2b ? PRICE_JA : PRICE_EC_JA;
    case 'environment':
      return isB2b ? ENVIRONMENT_B2B_JA : ENVIRONMENT_EC_JA;
    case 'competitor':
      return isB2b ? COMPETITOR_JA : COMPETITOR_EC_JA;
    case 'need_gone':
      return isB2b ? NEED_GONE_B2B_JA : NEED_GONE_EC_JA;
    case 'staff':
      return isB2b ? STAFF_B2B_JA : STAFF_EC_JA;
    case 'over_contact':
      return OVER_CONTACT_JA;
    case 'other':
      return isB2b ? OTHER_JA : OTHER_EC_JA;
  }
}

/**
 * A complaint or explanation a customer writes for a reason. `english` picks the English
 * variants (overseas-owned accounts).
 */
export function reasonText(
  rng: Rng,
  reason: TextReason,
  ctx: TextContext,
  options: { topic?: 'usability' | 'quality' | 'delivery'; english?: boolean } = {},
): string {
  if (options.english) return fill(rng.choice(EN[reason]), rng, ctx);
  const body = fill(rng.choice(bodies(reason, options.topic ?? 'quality', ctx.isB2b)), rng, ctx);
  const opener = ctx.isB2b && rng.chance(0.6) ? rng.choice(OPENERS_JA) : '';
  const closer = rng.chance(0.5) ? rng.choice(CLOSERS_JA) : '';
  return `${opener}${body}${closer}`;
}

/** An everyday inquiry or thank-you: not a reason to go quiet (some with negations). */
export function neutralText(rng: Rng, ctx: TextContext, english = false): string {
  if (english) return fill(rng.choice(EN.neutral), rng, ctx);
  const opener = ctx.isB2b && rng.chance(0.5) ? rng.choice(OPENERS_JA) : '';
  return `${opener}${fill(rng.choice(ctx.isB2b ? NEUTRAL_JA : NEUTRAL_EC_JA), rng, ctx)}`;
}

/** Short cancellation reasons as a subscription system records them. */
export const CANCEL_REASONS: Record<TextReason, readonly string[]> = {
  product: ['使いにくい', '機能に不満', '品質に不満'],
  price: ['価格が高い', '値上げのため'],
  environment: ['担当者変更', '組織変更', '転居'],
  competitor: ['他社サービスへ移行', '競合製品に乗り換え', 'switched to a competitor'],
  need_gone: ['不要になった', '事業縮小', 'no longer needed'],
  staff: ['サポート対応に不満'],
  over_contact: ['連絡が多すぎる'],
  other: ['支払方法の都合', 'その他'],
};

/** Notes a sales rep leaves after a call or visit. */
export const REP_NOTES = lines(`
定期訪問。来月の発注予定を確認。
新製品のカタログを持参。サンプル希望あり。
電話で在庫状況を案内。追加の見積もり依頼あり。
工場見学の案内を受けた。設備更新の計画あり。
不在のため名刺を置いてきた。
`);
