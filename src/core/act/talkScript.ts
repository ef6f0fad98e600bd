/**
 * What a rep says on a call or a visit to a dormant customer, in polite Japanese (敬語) and in
 * English, written for the reason the customer went quiet. The seed's matrix gives the message
 * per reason (product: "we fixed it" with the concrete improvement and a free trial; price: a
 * plan that fits and proof of value; their situation changed: listen first and propose again to
 * the new person; forgotten: remind them we exist); the sentences are ours. A script never
 * leads with a discount for a product complaint, and never reads a complaint back verbatim:
 * the evidence goes to the rep's notes, not into the customer's ear.
 *
 * Values are plain text; the app renders them through React, which escapes them.
 */
import type { ReasonCategory } from '../diagnose/index.js';
import type { TaskKind } from './followUp.js';

export interface ScriptContext {
  kind: TaskKind;
  reason: ReasonCategory | null;
  customerName: string;
  /** The person to ask for (an active contact), if known. */
  contactName: string | null;
  /** The contact who left, for a customer whose situation changed. */
  formerContactName: string | null;
  repName: string | null;
  lastPurchaseDay: string | null;
  lastProduct: string | null;
  /** Whole months since the last purchase. */
  monthsSince: number | null;
  /** The strongest line of evidence for the reason (for the rep's notes). */
  evidence: string | null;
  /** A resolved improvement that answers the customer's complaint (improvement loop), if any. */
  improvement: string | null;
}

export interface TalkScript {
  /** The offer in one line, for the task list. */
  offer: string;
  /** What to say, in order. */
  lines: { step: 'opening' | 'bridge' | 'offer' | 'ask' | 'closing'; text: string }[];
  /** For the rep only: what we know and what to avoid. */
  notes: string[];
}

export interface TalkScripts {
  ja: TalkScript;
  en: TalkScript;
}

/** 'YYYY-MM-DD' as 2024年3月5日. */
export function jaDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(y)}年${Number(m)}月${Number(d)}日`;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 'YYYY-MM-DD' as 5 Mar 2024. */
export function enDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(d)} ${EN_MONTHS[Number(m) - 1] ?? m} ${y}`;
}

/** Whole calendar months from one ISO day to another (never negative). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  const months = (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
  return Math.max(0, months);
}

interface Words {
  who: string;
  contactAsk: string;
  opening: string;
  since: string | null;
  product: string;
}

function jaWords(c: ScriptContext): Words {
  const rep = c.repName ? `営業担当の${c.repName}` : '営業担当';
  const contact = c.contactName ? `${c.contactName}様` : 'ご担当者様';
  const since =
    c.lastPurchaseDay !== null
      ? `${jaDay(c.lastPurchaseDay)}${c.lastProduct ? `に${c.lastProduct}を` : 'に'}ご注文いただいて以来${
          c.monthsSince !== null && c.monthsSince > 0 ? `、約${c.monthsSince}か月` : ''
        }`
      : null;
  return {
    who: rep,
    contactAsk: contact,
    opening:
      c.kind === 'call'
        ? `いつもお世話になっております。${rep}でございます。${c.customerName}の${contact}はいらっしゃいますでしょうか。`
        : `本日はお忙しいところお時間をいただき、誠にありがとうございます。${rep}でございます。`,
    since,
    product: c.lastProduct ?? '弊社の商品',
  };
}

function enWords(c: ScriptContext): Words {
  const rep = c.repName ? `${c.repName}, your account manager` : 'your account manager';
  const contact = c.contactName ?? 'the person in charge of purchasing';
  const since =
    c.lastPurchaseDay !== null
      ? `since your order${c.lastProduct ? ` of ${c.lastProduct}` : ''} on ${enDay(c.lastPurchaseDay)}${
          c.monthsSince !== null && c.monthsSince > 0
            ? `, about ${c.monthsSince} month${c.monthsSince === 1 ? '' : 's'} ago`
            : ''
        }`
      : null;
  return {
    who: rep,
    contactAsk: contact,
    opening:
      c.kind === 'call'
        ? `Good morning, this is ${rep}. May I speak with ${contact} at ${c.customerName}?`
        : `Thank you very much for making time for me today. I am ${rep}.`,
    since,
    product: c.lastProduct ?? 'our products',
  };
}

type Category = ReasonCategory | 'none';

function jaBody(cat: Category, c: ScriptContext, w: Words): Omit<TalkScript, 'notes'> & { notes: string[] } {
  const thanks = w.since ? `${w.since}、ご無沙汰しております。` : 'しばらくご無沙汰しております。';
  const improvement = c.improvement ? `「${c.improvement}」` : '以前いただいたご指摘を受けた改善';
  switch (cat) {
    case 'product':
      return {
        offer: '改善点のご報告と無償トライアル（値引きから入らない）',
        lines: [
          {
            step: 'bridge',
            text: `${thanks}以前${w.product}についてご不便をおかけしたことを、改めてお詫び申し上げます。`,
          },
          {
            step: 'offer',
            text: `その後、${improvement}を実施いたしましたので、そのご報告でご連絡いたしました。`,
          },
          {
            step: 'ask',
            text: '実際にお確かめいただけるよう、無償でお試しいただける機会をご用意しております。ご都合のよい日はございますでしょうか。',
          },
          {
            step: 'closing',
            text: '率直なご意見をいただけましたら幸いです。お時間をいただき、ありがとうございました。',
          },
        ],
        notes: ['値引きの話から始めない。まず改善点を具体的に伝える。'],
      };
    case 'price':
      return {
        offer: 'ご利用量に合わせた料金プランと費用対効果のご説明',
        lines: [
          {
            step: 'bridge',
            text: `${thanks}価格の面でご負担をおかけしていたのではないかと気になっておりました。`,
          },
          {
            step: 'offer',
            text: 'ご利用量やご予算に合わせてお選びいただける料金プランをご用意いたしましたので、ご案内させてください。',
          },
          {
            step: 'ask',
            text: `これまでのご注文内容をもとにお見積もりと費用対効果の試算をお持ちいたします。ご検討いただけますでしょうか。`,
          },
          { step: 'closing', text: 'ご無理のない形でご提案いたします。ありがとうございました。' },
        ],
        notes: ['値下げ幅ではなく、年間の費用と効果を数字で示す。'],
      };
    case 'environment':
      return {
        offer: '新しいご担当者様へのご挨拶と現状のヒアリング',
        lines: [
          {
            step: 'bridge',
            text: `${c.formerContactName ? `これまで${c.formerContactName}様に大変お世話になっておりました。` : ''}ご担当が替わられたと伺い、改めてご挨拶させていただきたくご連絡いたしました。`,
          },
          {
            step: 'offer',
            text: `${c.lastPurchaseDay ? `御社には${jaDay(c.lastPurchaseDay)}のご注文までご愛顧いただいておりました。` : ''}これまでのお取引の内容を一覧にしてお持ちいたします。`,
          },
          {
            step: 'ask',
            text: '新しい体制でのお困りごとやご要望を伺えればと存じます。一度ご挨拶に伺ってもよろしいでしょうか。',
          },
          { step: 'closing', text: '今後ともどうぞよろしくお願い申し上げます。' },
        ],
        notes: ['売り込む前に、新しい担当者の状況とニーズを聞く。'],
      };
    case 'forgotten':
      return {
        offer: `${w.product}のご補充と新しいご案内`,
        lines: [
          { step: 'bridge', text: `${thanks}その後お変わりございませんでしょうか。` },
          {
            step: 'offer',
            text: `以前ご注文いただいた${w.product}について、ご補充の時期ではないかと思いご連絡いたしました。あわせて新しい商品もご案内させてください。`,
          },
          { step: 'ask', text: '資料をお送りしてもよろしいでしょうか。' },
          { step: 'closing', text: 'また何かございましたら、いつでもお気軽にお声がけください。' },
        ],
        notes: ['思い出してもらうことが目的。短く、押しつけない。'],
      };
    case 'competitor':
      return {
        offer: '現状のお伺いと比較資料のご提供',
        lines: [
          { step: 'bridge', text: `${thanks}現在は別のお取引先をご利用と伺っております。` },
          {
            step: 'offer',
            text: 'もしお役に立てる点がございましたら、比較のご参考になる資料をお持ちいたします。',
          },
          { step: 'ask', text: '現在のお取引で、気になっている点などはございませんでしょうか。' },
          { step: 'closing', text: 'お聞かせいただき、ありがとうございました。' },
        ],
        notes: ['他社を悪く言わない。乗り換えた理由を聞き取る。'],
      };
    case 'need_gone':
      return {
        offer: '近況のお伺いと関連商品のご案内',
        lines: [
          { step: 'bridge', text: `${thanks}その後、ご状況はいかがでしょうか。` },
          {
            step: 'offer',
            text: '今の御社のお仕事に合いそうなものがございましたら、ご案内させていただければと存じます。',
          },
          { step: 'ask', text: '差し支えなければ、最近のご様子をお聞かせいただけますでしょうか。' },
          { step: 'closing', text: 'お時間をいただき、ありがとうございました。' },
        ],
        notes: ['需要がなくなった可能性が高い。無理に勧めない。'],
      };
    case 'staff':
      return {
        offer: 'お詫びと新しい対応体制のご説明',
        lines: [
          {
            step: 'bridge',
            text: `${thanks}以前、弊社の対応でご迷惑をおかけしましたこと、誠に申し訳ございませんでした。`,
          },
          {
            step: 'offer',
            text: 'その後、対応の体制を見直しましたので、改めてご説明させていただけますでしょうか。',
          },
          { step: 'ask', text: 'ご指摘いただいた点について、今の状況をお聞かせいただけますと幸いです。' },
          { step: 'closing', text: '貴重なお時間をありがとうございました。' },
        ],
        notes: ['まずお詫び。言い訳をしない。'],
      };
    case 'over_contact':
      return {
        offer: 'ご連絡の頻度と方法のご希望のお伺い',
        lines: [
          { step: 'bridge', text: 'これまで頻繁にご連絡を差し上げ、ご迷惑をおかけしていたかもしれません。' },
          { step: 'offer', text: '今後はご希望に合わせた頻度と方法でご案内させていただきます。' },
          { step: 'ask', text: 'ご連絡は、どのような形がよろしいでしょうか。' },
          { step: 'closing', text: '手短に失礼いたしました。ありがとうございました。' },
        ],
        notes: ['手短に。希望を聞いたら記録する。'],
      };
    default:
      return {
        offer: '近況のお伺い',
        lines: [
          { step: 'bridge', text: `${thanks}その後いかがお過ごしでしょうか。` },
          { step: 'offer', text: 'お役に立てることがないか、お伺いできればと思いご連絡いたしました。' },
          { step: 'ask', text: '最近のご状況や、弊社へのご意見をお聞かせいただけますでしょうか。' },
          { step: 'closing', text: 'お時間をいただき、ありがとうございました。' },
        ],
        notes: ['理由がはっきりしない。まず聞き役に回り、理由を記録する。'],
      };
  }
}

function enBody(cat: Category, c: ScriptContext, w: Words): Omit<TalkScript, 'notes'> & { notes: string[] } {
  const catchUp = w.since ? `It has been a while ${w.since}.` : 'It has been a while since we last spoke.';
  const improvement = c.improvement ? `"${c.improvement}"` : 'the improvements we made after your feedback';
  switch (cat) {
    case 'product':
      return {
        offer: 'What we improved, and a free trial (no discount first)',
        lines: [
          { step: 'bridge', text: `${catchUp} I am sorry again for the trouble you had with ${w.product}.` },
          { step: 'offer', text: `I am calling to let you know that we have since made ${improvement}.` },
          {
            step: 'ask',
            text: 'We would like you to see it for yourself with a free trial. Which day would suit you?',
          },
          { step: 'closing', text: 'Your honest opinion would mean a lot to us. Thank you for your time.' },
        ],
        notes: ['Do not open with a discount: say concretely what was improved.'],
      };
    case 'price':
      return {
        offer: 'A price plan that fits their volume, with the return in figures',
        lines: [
          { step: 'bridge', text: `${catchUp} I was concerned our prices may have been a burden.` },
          {
            step: 'offer',
            text: 'We now offer plans that fit your volume and budget, and I would like to present them.',
          },
          { step: 'ask', text: 'May I bring a quote and a cost-benefit estimate based on your past orders?' },
          { step: 'closing', text: 'We will make a proposal that works for you. Thank you.' },
        ],
        notes: ['Show yearly cost and benefit in figures, not the size of a discount.'],
      };
    case 'environment':
      return {
        offer: 'Introduce yourself to the new contact and listen',
        lines: [
          {
            step: 'bridge',
            text: `${c.formerContactName ? `We worked closely with ${c.formerContactName} until recently. ` : ''}I heard the person in charge has changed, and I would like to introduce myself.`,
          },
          { step: 'offer', text: 'I can bring a summary of everything your company has ordered from us.' },
          {
            step: 'ask',
            text: 'I would like to hear what you need under the new arrangements. Could I visit to say hello?',
          },
          { step: 'closing', text: 'We look forward to working with you.' },
        ],
        notes: ['Listen to the new contact before proposing anything.'],
      };
    case 'forgotten':
      return {
        offer: `A refill of ${w.product} and what is new`,
        lines: [
          { step: 'bridge', text: `${catchUp} I hope all is well.` },
          {
            step: 'offer',
            text: `I thought it might be time to restock ${w.product}, and I would like to tell you about what is new.`,
          },
          { step: 'ask', text: 'May I send you our latest information?' },
          { step: 'closing', text: 'Please feel free to contact me any time.' },
        ],
        notes: ['The aim is to be remembered: keep it short, no pressure.'],
      };
    case 'competitor':
      return {
        offer: 'Ask how things are and offer comparison material',
        lines: [
          { step: 'bridge', text: `${catchUp} I understand you are working with another supplier now.` },
          { step: 'offer', text: 'If it helps, I can bring material for a fair comparison.' },
          {
            step: 'ask',
            text: 'Is there anything in your current arrangement that you would like to be better?',
          },
          { step: 'closing', text: 'Thank you for telling me.' },
        ],
        notes: ['Never speak ill of the competitor; find out why they switched.'],
      };
    case 'need_gone':
      return {
        offer: 'Check in and mention related products',
        lines: [
          { step: 'bridge', text: `${catchUp} How are things going?` },
          {
            step: 'offer',
            text: 'If something we offer fits your current work, I would be glad to tell you about it.',
          },
          { step: 'ask', text: 'Would you tell me a little about what you are working on now?' },
          { step: 'closing', text: 'Thank you for your time.' },
        ],
        notes: ['The need may be gone: do not push.'],
      };
    case 'staff':
      return {
        offer: 'Apologise and explain the new service arrangements',
        lines: [
          { step: 'bridge', text: `${catchUp} I am truly sorry for the way we handled things before.` },
          {
            step: 'offer',
            text: 'We have changed how we look after our customers and I would like to explain how.',
          },
          { step: 'ask', text: 'Could you tell me how things stand with the issue you raised?' },
          { step: 'closing', text: 'Thank you for your time.' },
        ],
        notes: ['Apologise first; no excuses.'],
      };
    case 'over_contact':
      return {
        offer: 'Ask how often and how they want to hear from us',
        lines: [
          { step: 'bridge', text: 'We may have contacted you too often, and I apologise.' },
          {
            step: 'offer',
            text: 'From now on we will contact you only as often, and in the way, you prefer.',
          },
          { step: 'ask', text: 'How would you like us to keep in touch?' },
          { step: 'closing', text: 'Thank you, I will keep it brief.' },
        ],
        notes: ['Keep it short and record their preference.'],
      };
    default:
      return {
        offer: 'Ask how they are',
        lines: [
          { step: 'bridge', text: `${catchUp} How have you been?` },
          { step: 'offer', text: 'I wanted to ask whether there is anything we can help with.' },
          { step: 'ask', text: 'Could you tell me how things are, and how you feel about working with us?' },
          { step: 'closing', text: 'Thank you for your time.' },
        ],
        notes: ['The reason is unclear: listen first and record what you learn.'],
      };
  }
}

/**
 * The talk scripts for one task.
 *
 * @example writeTalkScript({ kind: 'call', reason: 'product', customerName: '株式会社あおば製作所', … }).ja.offer
 * // → '改善点のご報告と無償トライアル（値引きから入らない）'
 */
export function writeTalkScript(context: ScriptContext): TalkScripts {
  const category: Category = context.reason ?? 'none';
  const ja = jaWords(context);
  const en = enWords(context);
  const jaPart = jaBody(category, context, ja);
  const enPart = enBody(category, context, en);
  const jaNotes = [...jaPart.notes];
  const enNotes = [...enPart.notes];
  if (context.evidence) {
    jaNotes.unshift(`把握している事実: ${context.evidence}`);
    enNotes.unshift(`What we know: ${context.evidence}`);
  }
  return {
    ja: {
      offer: jaPart.offer,
      lines: [{ step: 'opening', text: ja.opening }, ...jaPart.lines],
      notes: jaNotes,
    },
    en: {
      offer: enPart.offer,
      lines: [{ step: 'opening', text: en.opening }, ...enPart.lines],
      notes: enNotes,
    },
  };
}
