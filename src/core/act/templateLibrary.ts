/**
 * The message templates Mezame ships, in polite business Japanese (敬語) and English: the win-back
 * series of the seed's MA example 1 (day 1 useful content, day 3 what changed, day 7 the content
 * again under a new subject, day 10 a customer story, day 14 a limited offer, day 21 the last
 * offer), the reason-specific series of its example 2 (price, product, a new contact at the
 * customer), the report of a fixed complaint, a reminder SMS and a postal letter. The sentences
 * are ours. A person may save their own version of any of them (template storage overrides).
 *
 * Principles: the first messages give something useful before asking for anything; no message
 * claims a fact only the company knows (what changed, what a plan costs): the specifics sit on the
 * page behind {{cta_url}}, which the company controls; offers are made once, with a plain expiry
 * date, never with pressure; the last offer says it is the last. `{{customer_name}}` heads each
 * Japanese email as the addressee (宛名, with 様 or 御中 already attached); English emails greet
 * `{{contact_name}}` ("Dear Sir or Madam" when no contact is known). A postal letter carries no
 * addressee or link in its text: the letter layout prints the window-envelope address block and the
 * personal URL with its QR code.
 */
import type { MessageChannel } from './journeyTypes.js';
import type { Locale, MessageTemplate } from './messageTypes.js';

/** The template ids the shipped journeys name (each exists in every locale). */
export const SHIPPED_TEMPLATE_IDS = [
  'winback-value-email',
  'winback-whats-new-email',
  'winback-value-resend-email',
  'winback-case-study-email',
  'winback-offer-email',
  'winback-final-offer-email',
  'price-savings-email',
  'price-roi-email',
  'price-plan-email',
  'product-new-features-email',
  'product-improvements-email',
  'product-free-upgrade-email',
  'environment-new-contact-email',
  'environment-review-email',
  'environment-meeting-email',
  'improvement-fixed-email',
  'winback-reminder-sms',
  'winback-letter-dm',
] as const;
export type ShippedTemplateId = (typeof SHIPPED_TEMPLATE_IDS)[number];

/** Days the coupon of each offer stays valid (the final offer is shorter, as its name says). */
export const OFFER_COUPON_DAYS = 14;
export const FINAL_OFFER_COUPON_DAYS = 7;

interface Draft {
  name: string;
  subject?: string;
  body: string;
  coupon_days?: number;
}

const JA_SIGNATURE = '今後ともどうぞよろしくお願い申し上げます。\n\n{{sender_name}}　{{rep_name}}';
const JA_REPLY =
  'ご不明な点やご要望がございましたら、本メールにそのままご返信ください。担当者より折り返しご連絡いたします。';
const EN_SIGNATURE = 'Kind regards,\n\n{{rep_name}}\n{{sender_name}}';
const EN_REPLY = 'If you have any questions, simply reply to this email; it comes straight to us.';

const jaEmail = (...paragraphs: string[]) =>
  ['{{customer_name}}', ...paragraphs, JA_REPLY, JA_SIGNATURE].join('\n\n');
const enEmail = (...paragraphs: string[]) =>
  ['Dear {{contact_name}},', ...paragraphs, EN_REPLY, EN_SIGNATURE].join('\n\n');

const DRAFTS: Record<ShippedTemplateId, { channel: MessageChannel } & Record<Locale, Draft>> = {
  'winback-value-email': {
    channel: 'email',
    ja: {
      name: '休眠掘り起こし 1日目：お役立ち資料',
      subject: '【お役立ち資料】業界の最新動向をまとめました',
      body: jaEmail(
        '大変ご無沙汰しております。{{sender_name}}の{{rep_name}}でございます。\n{{last_purchase_date}}に{{last_product}}をご注文いただきましたこと、改めて御礼申し上げます。',
        '本日は、日々のお仕事にお役立ていただけるよう、業界の最近の動きと現場で役立つ工夫をまとめた資料をご用意いたしましたので、ご案内申し上げます。ご購入のお願いではございませんので、どうぞお気軽にご覧ください。',
        '▼ 資料は下記のページから無料でご覧いただけます\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
    en: {
      name: 'Win-back day 1: useful guide',
      subject: 'A free guide to changes in your industry',
      body: enEmail(
        'It has been {{months_since}} since your last order, and we remain grateful for your business.',
        'We have put together a short guide to recent developments in the industry, with practical ideas other customers have found useful. This is not a sales pitch: we simply thought it might be worth a few minutes of your time.',
        'You can read it free of charge here:\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
  },

  'winback-whats-new-email': {
    channel: 'email',
    ja: {
      name: '休眠掘り起こし 3日目：前回のご注文以降の変化',
      subject: '前回のご注文から変わったことをご報告します',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '前回のご注文から{{months_since}}が経ちました。その間に、{{last_product}}をはじめとする弊社の商品やサービスにもいくつか新しい動きがございましたので、ご報告申し上げます。',
        '新しい商品、改良した点、ご注文やお問い合わせの方法の変更などを、下記のページにまとめております。\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
    en: {
      name: 'Win-back day 3: what has changed',
      subject: 'What has changed since your last order',
      body: enEmail(
        'It has been {{months_since}} since your last order, and a few things have changed here in that time, including for {{last_product}}.',
        'We have gathered our new products, the improvements we have made and the easier ways to order and get in touch on one page:\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
  },

  'winback-value-resend-email': {
    channel: 'email',
    ja: {
      name: '休眠掘り起こし 7日目：お役立ち資料（件名を変えて再送）',
      subject: '先日ご案内した無料資料を改めてお届けします',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '先日、業界の最近の動きをまとめた資料をお送りいたしましたが、お忙しい時期に重なり、お目に留まらなかったかもしれないと思い、改めてご案内いたします。',
        '5分ほどでお読みいただける内容にまとめております。お手すきの際にご覧いただけましたら幸いです。\n{{cta_url}}',
      ),
    },
    en: {
      name: 'Win-back day 7: the guide again, new subject',
      subject: 'In case you missed it: our free guide',
      body: enEmail(
        'A few days ago we sent you our guide to recent developments in the industry. As inboxes get busy, we thought we would share it once more.',
        'It takes about five minutes to read:\n{{cta_url}}',
      ),
    },
  },

  'winback-case-study-email': {
    channel: 'email',
    ja: {
      name: '休眠掘り起こし 10日目：お客様の事例',
      subject: '【事例紹介】同業のお客様の取り組みをご紹介します',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '本日は、{{last_product}}などの弊社商品をお使いいただいているお客様が、日々のお仕事の中でどのような工夫をされているのか、実際の事例をご紹介いたします。',
        '導入のきっかけから、使い始めてからの変化まで、お客様ご自身の言葉でお話しいただいております。\n▼ 事例は下記のページでご覧いただけます\n{{cta_url}}',
        '御社のご状況に近い事例がございましたら、詳しくご説明させていただきます。',
      ),
    },
    en: {
      name: 'Win-back day 10: customer story',
      subject: 'How customers like you use our products',
      body: enEmail(
        'We would like to share how businesses similar to yours use {{last_product}} and our other products in their day-to-day work.',
        'In their own words, they explain why they started and what changed afterwards:\n{{cta_url}}',
        'If one of these stories is close to your situation, I would be happy to tell you more.',
      ),
    },
  },

  'winback-offer-email': {
    channel: 'email',
    ja: {
      name: '休眠掘り起こし 14日目：期間限定のご優待',
      subject: '【期間限定】日頃の感謝を込めたご優待のご案内',
      coupon_days: OFFER_COUPON_DAYS,
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        'これまで弊社をご愛顧いただいたことへの感謝を込めて、次回のご注文にお使いいただけるご優待コードをご用意いたしました。',
        'ご優待コード：{{coupon_code}}\n有効期限：{{coupon_expires}}まで',
        'ご注文の際に上記のコードをご入力ください。対象の商品やご利用条件は、下記のページでご確認いただけます。\n{{cta_url}}',
        'ご無理のない範囲で、ご検討いただけましたら幸いです。',
      ),
    },
    en: {
      name: 'Win-back day 14: limited offer',
      subject: 'A thank-you offer for your next order',
      coupon_days: OFFER_COUPON_DAYS,
      body: enEmail(
        'To thank you for your custom over the years, we have prepared a code you can use on your next order.',
        'Your code: {{coupon_code}}\nValid until: {{coupon_expires}}',
        'Enter the code when you order. The products it covers and the conditions are on this page:\n{{cta_url}}',
        'There is no obligation at all; we simply hope it is useful.',
      ),
    },
  },

  'winback-final-offer-email': {
    channel: 'email',
    ja: {
      name: '休眠掘り起こし 21日目：最後のご優待',
      subject: '【最後のご案内】1週間限りのご優待をお届けします',
      coupon_days: FINAL_OFFER_COUPON_DAYS,
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        'これまで何度かご案内をお送りいたしましたが、この一連のご案内は本メールをもって最後とさせていただきます。',
        '最後に、1週間限りのご優待コードをご用意いたしました。\nご優待コード：{{coupon_code}}\n有効期限：{{coupon_expires}}まで',
        'ご利用条件は下記のページでご確認いただけます。\n{{cta_url}}',
        'また必要な時期がまいりましたら、いつでもお声がけいただけますと幸いです。',
      ),
    },
    en: {
      name: 'Win-back day 21: last offer',
      subject: 'Our last note, with a one-week offer',
      coupon_days: FINAL_OFFER_COUPON_DAYS,
      body: enEmail(
        'We have written to you a few times recently, and this will be the last message in this series.',
        'Before we go quiet, here is a code that is valid for one week:\nYour code: {{coupon_code}}\nValid until: {{coupon_expires}}',
        'The conditions are on this page:\n{{cta_url}}',
        'Whenever the time is right for you, we will be glad to hear from you.',
      ),
    },
  },

  'price-savings-email': {
    channel: 'email',
    ja: {
      name: '価格理由 1通目：コスト削減の事例',
      subject: '費用を抑えながら成果を上げた事例のご紹介',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '費用をできるだけ抑えたいというお声を多くのお客様からいただいております。そこで、ご注文の仕方や商品の選び方を工夫して、年間の費用を抑えていらっしゃるお客様の事例をまとめました。',
        '▼ 事例は下記のページでご覧いただけます\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
    en: {
      name: 'Price 1: how customers save',
      subject: 'How customers cut their costs with us',
      body: enEmail(
        'Many customers tell us that keeping costs down matters more than ever. We have collected examples of how some of them reduced their yearly spend by changing how they order and what they choose.',
        'You can read them here:\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
  },

  'price-roi-email': {
    channel: 'email',
    ja: {
      name: '価格理由 2通目：費用対効果の試算ツール',
      subject: '費用対効果を簡単に試算できるツールのご案内',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        'ご検討の際にお役立ていただけるよう、いくつかの項目をご入力いただくだけで、年間の費用とその効果の目安を試算できるツールをご用意いたしました。',
        '▼ 試算ツールはこちら\n{{cta_url}}',
        '試算の結果をもとに、御社に合ったご利用方法を一緒に考えさせていただくこともできます。',
      ),
    },
    en: {
      name: 'Price 2: cost-benefit calculator',
      subject: 'Work out your return in two minutes',
      body: enEmail(
        'To help you weigh things up, we have built a simple calculator: answer a few questions and it estimates your yearly cost and what you get back for it.',
        'Try it here:\n{{cta_url}}',
        'If you like, we can go through the results together and look at the options that fit you best.',
      ),
    },
  },

  'price-plan-email': {
    channel: 'email',
    ja: {
      name: '価格理由 3通目：料金プランのご案内',
      subject: 'ご利用量に合わせてお選びいただける料金プラン',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        'ご予算やご利用量に合わせてお選びいただけるよう、料金プランを見直しました。必要な分だけをご利用いただける形もご用意しております。',
        '▼ プランの内容は下記のページでご確認いただけます\n{{cta_url}}',
        'これまでのご注文内容をもとにしたお見積もりも、無料でお作りいたします。どうぞお気軽にお申し付けください。',
      ),
    },
    en: {
      name: 'Price 3: plans that fit',
      subject: 'Plans that fit your volume and budget',
      body: enEmail(
        'We have reworked our plans so that you can choose one that matches your volume and budget, including options where you pay only for what you use.',
        'You can compare them here:\n{{cta_url}}',
        'We would also be happy to prepare a free quote based on your past orders; just let me know.',
      ),
    },
  },

  'product-new-features-email': {
    channel: 'email',
    ja: {
      name: '商品理由 1通目：新機能のご紹介',
      subject: '【新機能のご紹介】{{last_product}}がより使いやすくなりました',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '以前ご注文いただいた{{last_product}}について、新しい機能や仕様の見直しを行いましたので、ご紹介させていただきます。',
        '▼ 新しくなった点は下記のページにまとめております\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
    en: {
      name: 'Product 1: new features',
      subject: 'New features for {{last_product}}',
      body: enEmail(
        'We have added new features and reworked several details since your order of {{last_product}}, and we would like to show you what is new.',
        'Everything is summarised here:\n{{cta_url}}',
        '{{reason_message}}',
      ),
    },
  },

  'product-improvements-email': {
    channel: 'email',
    ja: {
      name: '商品理由 2通目：改善事例のご紹介',
      subject: 'お客様の声から生まれた改善のご報告',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        'お客様からお寄せいただいたご意見をもとに、弊社ではこの間、商品とサービスの改善に取り組んでまいりました。どのようなご意見から、どのような改善につながったのかを、下記のページでご紹介しております。\n{{cta_url}}',
      ),
    },
    en: {
      name: 'Product 2: improvements from feedback',
      subject: 'What we improved thanks to your feedback',
      body: enEmail(
        'Over the past months we have worked through the feedback our customers gave us. This page shows what we heard and what we changed as a result:\n{{cta_url}}',
      ),
    },
  },

  'product-free-upgrade-email': {
    channel: 'email',
    ja: {
      name: '商品理由 3通目：上位版の無料体験',
      subject: '【無料体験のご案内】上位版をお試しいただけます',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '改善した点を実際にお確かめいただけるよう、上位版を一定期間、無料でお試しいただける機会をご用意いたしました。',
        '▼ お申し込みと体験の内容はこちら\n{{cta_url}}',
        'お試しいただいたうえで、率直なご感想をお聞かせいただけましたら幸いです。',
      ),
    },
    en: {
      name: 'Product 3: free upgrade trial',
      subject: 'Try our upgraded version free of charge',
      body: enEmail(
        'So that you can judge the improvements for yourself, we are offering you our upgraded version free of charge for a trial period.',
        'Details and sign-up are here:\n{{cta_url}}',
        'Once you have tried it, we would value your honest opinion.',
      ),
    },
  },

  'environment-new-contact-email': {
    channel: 'email',
    ja: {
      name: '担当者交代 1通目：新しいご担当者様へのご挨拶',
      subject: 'ご担当者様へのご挨拶と弊社のご紹介',
      body: jaEmail(
        '突然のご連絡にて失礼いたします。{{sender_name}}の{{rep_name}}と申します。',
        '御社には、{{last_purchase_date}}に{{last_product}}をご注文いただくなど、長らくお取引をいただいてまいりました。ご担当の方が替わられたと伺い、改めてご挨拶を申し上げたくご連絡いたしました。',
        '弊社の取り扱い商品とこれまでのお取引の概要を、下記のページにまとめております。\n{{cta_url}}',
        '新しい体制でのご要望やお困りごとがございましたら、お聞かせいただけますと幸いです。',
      ),
    },
    en: {
      name: 'New contact 1: introduction',
      subject: 'An introduction from {{sender_name}}',
      body: enEmail(
        'Please forgive the unexpected email. My name is {{rep_name}} and I look after your account at {{sender_name}}.',
        'Your company has worked with us for some time, most recently ordering {{last_product}}. I understand the person in charge has changed, so I wanted to introduce myself.',
        'An overview of what we offer and of our work together is here:\n{{cta_url}}',
        'I would be glad to hear what you need under the new arrangements.',
      ),
    },
  },

  'environment-review-email': {
    channel: 'email',
    ja: {
      name: '担当者交代 2通目：これまでのお取引のまとめ',
      subject: 'これまでのお取引内容をまとめた資料のご案内',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '新しくご担当になられた方にも経緯をご確認いただけるよう、御社とのこれまでのお取引の内容（ご注文いただいた商品、時期、ご利用の目的など）を資料にまとめました。',
        '▼ 資料は下記のページでご覧いただけます\n{{cta_url}}',
        '引き継ぎのご参考にお役立ていただけましたら幸いです。',
      ),
    },
    en: {
      name: 'New contact 2: our work together so far',
      subject: 'A summary of our work with your company',
      body: enEmail(
        'To help with the handover, we have summarised our work with your company so far: what was ordered, when, and what it was used for.',
        'You can find it here:\n{{cta_url}}',
        'We hope it saves you some time.',
      ),
    },
  },

  'environment-meeting-email': {
    channel: 'email',
    ja: {
      name: '担当者交代 3通目：お打ち合わせのご提案',
      subject: '15分ほどのご挨拶のお時間をいただけませんか',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '新しい体制でのお仕事の進め方やご要望を伺い、お役に立てる形をご提案できればと考えております。オンラインでも御社への訪問でも、15分ほどお時間をいただけませんでしょうか。',
        '▼ ご都合のよい日時を下記のページからお選びいただけます\n{{cta_url}}',
        'ご多忙のところ恐縮ですが、ご検討いただけますと幸いです。',
      ),
    },
    en: {
      name: 'New contact 3: first meeting',
      subject: 'Could we have 15 minutes to say hello?',
      body: enEmail(
        'I would like to understand how your team works now and what you need, so that we can suggest something that genuinely helps. Could we have fifteen minutes, online or at your office?',
        'You can pick a time that suits you here:\n{{cta_url}}',
        'I know you are busy, so thank you for considering it.',
      ),
    },
  },

  'improvement-fixed-email': {
    channel: 'email',
    ja: {
      name: '改善のご報告（ご指摘いただいた点の解決）',
      subject: '【改善のご報告】以前いただいたご指摘について',
      body: jaEmail(
        'いつもお世話になっております。{{sender_name}}の{{rep_name}}でございます。',
        '以前、{{last_product}}についてご指摘をいただきながら、十分なご対応ができず申し訳ございませんでした。いただいたご意見を受けて改善を実施いたしましたので、ご報告申し上げます。',
        '▼ 改善の内容は下記のページでご確認いただけます\n{{cta_url}}',
        '実際にお確かめいただけるよう、お試しの機会もご用意しております。ご希望の際はお申し付けください。',
      ),
    },
    en: {
      name: 'Improvement report (the issue you raised is fixed)',
      subject: 'An update on the issue you raised',
      body: enEmail(
        'You once told us about a problem with {{last_product}}, and we are sorry we did not resolve it for you at the time. We have since made changes in response, and wanted you to hear it from us first.',
        'The details are here:\n{{cta_url}}',
        'If you would like to try it for yourself, just let me know and I will arrange it.',
      ),
    },
  },

  'winback-reminder-sms': {
    channel: 'sms',
    ja: {
      name: 'リマインドSMS',
      body: '【{{sender_name}}】ご無沙汰しております。{{last_product}}の新しいご案内をお送りします。{{cta_url}}\n配信停止 {{unsubscribe_url}}',
    },
    en: {
      name: 'Reminder SMS',
      body: '{{sender_name}}: it has been a while. See what is new for {{last_product}}: {{cta_url}}\nStop: {{unsubscribe_url}}',
    },
  },

  'winback-letter-dm': {
    channel: 'dm',
    ja: {
      name: 'お久しぶりのお手紙（DM）',
      body: [
        '拝啓　時下ますますご清栄のこととお喜び申し上げます。平素は格別のご高配を賜り、厚く御礼申し上げます。',
        'さて、{{last_purchase_date}}に{{last_product}}をご注文いただいてから、{{months_since}}が経ちました。その後、お変わりなくお過ごしでしょうか。',
        'この間、弊社では商品の拡充やサービスの見直しを進めてまいりました。その内容を、お客様専用のページにまとめております。',
        '詳しくは、下記のQRコードまたはURLからご覧いただけます。お手すきの際にお目通しいただけましたら幸いです。',
        '今後とも変わらぬお引き立てのほど、よろしくお願い申し上げます。\n敬具',
        '{{sender_name}}　{{rep_name}}',
      ].join('\n\n'),
    },
    en: {
      name: 'Letter: it has been a while (DM)',
      body: [
        'Dear {{contact_name}},',
        'It has been {{months_since}} since your order of {{last_product}}, and we hope all is well with you.',
        'In that time we have added to our range and reworked parts of our service, and we have put what is new on a page prepared for you.',
        'You will find the details by scanning the QR code below or opening the address printed next to it.',
        'We look forward to hearing from you.',
        'Yours sincerely,\n\n{{rep_name}}\n{{sender_name}}',
      ].join('\n\n'),
    },
  },
};

/** Every shipped template, each id in Japanese and English. */
export const SHIPPED_TEMPLATES: MessageTemplate[] = SHIPPED_TEMPLATE_IDS.flatMap((id) => {
  const draft = DRAFTS[id];
  return (['ja', 'en'] as const).map(
    (locale): MessageTemplate => ({
      id,
      channel: draft.channel,
      locale,
      name: draft[locale].name,
      subject: draft.channel === 'email' ? (draft[locale].subject ?? null) : null,
      body: draft[locale].body,
      ...(draft[locale].coupon_days === undefined ? {} : { coupon_days: draft[locale].coupon_days }),
    }),
  );
});

/**
 * The shipped template of an id in a locale, or null when Mezame ships none.
 *
 * @example shippedTemplate('winback-offer-email', 'ja')?.coupon_days // → 14
 */
export function shippedTemplate(id: string, locale: Locale): MessageTemplate | null {
  return SHIPPED_TEMPLATES.find((t) => t.id === id && t.locale === locale) ?? null;
}
