/**
 * Finds dormancy-reason signals in free text (support tickets, inquiries, survey answers,
 * cancellation reasons) with the phrases of `reasonLexicon.ts`.
 *
 * - Text is NFKC-normalised first (full-width ＡＢＣ/１２３ and half-width ｶﾀｶﾅ become their usual
 *   forms), and spaces between two Japanese characters are dropped (「使い にくい」).
 * - Japanese phrases match as substrings, English phrases from a word start. A phrase inside a
 *   longer matching phrase does not count twice (「価格に不満」 is price, not also a generic 「不満」).
 * - Negation: a Japanese phrase followed by ない/なし/ありません… (「不満はない」「高くはない」
 *   「問題ありません」) and an English phrase preceded by not/no/never/n't within three words
 *   ("not expensive", "no complaints") is reported as negated, not as a signal.
 * - A competitor named in a sentence that says the customer stays (「引き続き御社に」) is negated too.
 * - A text can give several categories ("too expensive, and we switched to X").
 */

import type { ReasonCategory } from './reasonCategories.js';
import {
  ENGLISH_LEXICON,
  JAPANESE_LEXICON,
  type LexiconEntry,
  LOYALTY_MARKERS,
  type ReasonTheme,
} from './reasonLexicon.js';

export interface TextSignal {
  category: ReasonCategory;
  theme: ReasonTheme;
  /** The lexicon phrase that matched. */
  phrase: string;
  /** The sentence (or a window of it) around the match, from the normalised text. */
  excerpt: string;
  strength: number;
  language: 'ja' | 'en';
}

export interface TextSignals {
  signals: TextSignal[];
  /** Phrases that matched but were negated (「価格に不満はありません」): evidence against the category. */
  negated: TextSignal[];
}

const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f々〆ー]/;

/**
 * NFKC, unified apostrophes, collapsed spaces and no spaces between Japanese characters.
 *
 * @example normaliseReasonText('ＵＩが　使い にくい') // 'UIが使いにくい'
 */
export function normaliseReasonText(text: string): string {
  const nfkc = text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u2032]/g, "'")
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/\r\n?/g, '\n');
  let out = '';
  for (let i = 0; i < nfkc.length; i++) {
    const ch = nfkc[i] as string;
    if (ch === ' ') {
      const before = nfkc[i - 1] ?? '';
      const after = nfkc[i + 1] ?? '';
      if (JAPANESE_CHAR.test(before) && JAPANESE_CHAR.test(after)) continue;
    }
    out += ch;
  }
  return out.trim();
}

const SENTENCE_END = /[。！？!?\n;；]|\.(?=\s|$)/g;

interface Sentence {
  start: number;
  end: number;
}

function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(text); m !== null; m = SENTENCE_END.exec(text)) {
    out.push({ start, end: m.index + m[0].length });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ start, end: text.length });
  return out;
}

/**
 * After a Japanese phrase: optional adjective ending (く), particle, softening adverb, then a
 * negative ending. 「不満はない」「高くはない」「問題ありません」「特に不満もなく」.
 */
const JAPANESE_NEGATION =
  /^(?:く|くて)?(?:では|じゃ|とは|とも|は|が|も|に)?(?:特に|全く|まったく|全然|あまり|さほど|そんなに|何も|なにも|一切)?(?:は|が|も)?(?:ない|無い|なし|無し|なく|無く|ありません|ございません|ません|なかった|を感じ(?:たことは|ることは|て)?(?:い)?(?:ない|ません))/;

/** Before an English phrase, within three words: "not (too) expensive", "no complaints". */
const ENGLISH_NEGATION =
  /(?:\bnot|\bno|\bnever|n't|\bwithout|\bnothing|\bhardly|\bnor)\s+(?:[a-z'-]+\s+){0,2}$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ENGLISH_PATTERNS = ENGLISH_LEXICON.map((entry) => ({
  entry,
  pattern: new RegExp(
    `(?<![a-z0-9])${escapeRegExp(entry.phrase)}${entry.phrase.length <= 3 ? '(?![a-z0-9])' : ''}`,
    'g',
  ),
}));

interface RawMatch {
  start: number;
  end: number;
  entry: LexiconEntry;
  language: 'ja' | 'en';
}

const MAX_EXCERPT_CHARS = 60;

function excerptOf(text: string, sentence: Sentence, match: RawMatch): string {
  const whole = text.slice(sentence.start, sentence.end).trim();
  if (whole.length <= MAX_EXCERPT_CHARS) return whole;
  const side = Math.floor((MAX_EXCERPT_CHARS - (match.end - match.start)) / 2);
  const from = Math.max(sentence.start, match.start - Math.max(side, 0));
  const to = Math.min(sentence.end, match.end + Math.max(side, 0));
  const body = text.slice(from, to).trim();
  return `${from > sentence.start ? '…' : ''}${body}${to < sentence.end ? '…' : ''}`;
}

/**
 * The reason signals in one text, each with the phrase and the sentence it came from.
 *
 * @example
 * findReasonSignals('画面が使いにくい。価格に不満はありません').signals
 * // → [{ category: 'product', theme: 'usability', phrase: '使いにく', excerpt: '画面が使いにくい。', … }]
 */
export function findReasonSignals(text: string): TextSignals {
  const normal = normaliseReasonText(text);
  const lower = normal.toLowerCase();
  // Excerpts come from the normalised text with its case kept, unless lower-casing changed lengths.
  const display = lower.length === normal.length ? normal : lower;
  const raw: RawMatch[] = [];
  for (const entry of JAPANESE_LEXICON) {
    for (let at = lower.indexOf(entry.phrase); at >= 0; at = lower.indexOf(entry.phrase, at + 1)) {
      raw.push({ start: at, end: at + entry.phrase.length, entry, language: 'ja' });
    }
  }
  for (const { entry, pattern } of ENGLISH_PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(lower); m !== null; m = pattern.exec(lower)) {
      raw.push({ start: m.index, end: m.index + m[0].length, entry, language: 'en' });
    }
  }
  const spans = sentences(lower);
  const sentenceOf = (at: number): Sentence =>
    spans.find((s) => at >= s.start && at < s.end) ?? { start: 0, end: lower.length };

  const inContext = raw.filter((m) => {
    if (m.entry.context === undefined) return true;
    const s = sentenceOf(m.start);
    const sentence = lower.slice(s.start, s.end);
    return m.entry.context.some((word) => sentence.includes(word));
  });
  // A match gives way to a longer one that contains it, or that overlaps it in the same
  // category (「価格が高」 and 「高い」 in 「価格が高い」); at equal spans the stronger entry wins.
  const length = (m: RawMatch) => m.end - m.start;
  const givesWay = (m: RawMatch, other: RawMatch): boolean => {
    if (other === m) return false;
    const contains = other.start <= m.start && other.end >= m.end;
    const overlaps = other.start < m.end && m.start < other.end;
    if (length(other) > length(m)) {
      return contains || (overlaps && other.entry.category === m.entry.category);
    }
    return contains && length(other) === length(m) && other.entry.strength > m.entry.strength;
  };
  const kept = inContext.filter((m) => !inContext.some((other) => givesWay(m, other)));
  kept.sort((a, b) => a.start - b.start);

  const result: TextSignals = { signals: [], negated: [] };
  const seen = new Set<string>();
  for (const m of kept) {
    const s = sentenceOf(m.start);
    const signal: TextSignal = {
      category: m.entry.category,
      theme: m.entry.theme,
      phrase: m.entry.phrase,
      excerpt: excerptOf(display, s, m),
      strength: m.entry.strength,
      language: m.language,
    };
    const key = `${m.start}:${m.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const isLoyal =
      m.entry.category === 'competitor' &&
      LOYALTY_MARKERS.some((w) => lower.slice(s.start, s.end).includes(w));
    const isNegated =
      isLoyal ||
      (m.language === 'ja'
        ? JAPANESE_NEGATION.test(lower.slice(m.end, s.end))
        : ENGLISH_NEGATION.test(lower.slice(s.start, m.start)));
    (isNegated ? result.negated : result.signals).push(signal);
  }
  return result;
}
