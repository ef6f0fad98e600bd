/**
 * Postal direct mail: the mailing list a print-and-post service takes (CSV, CP932 for the
 * Japanese tools that still expect Shift_JIS, or UTF-8 with a BOM so Excel opens it right), and
 * a print-ready A4 letter per customer with a QR code to their personal (tracked) link.
 */
import iconv from 'iconv-lite';
import QRCode from 'qrcode';

export interface MailingRecipient {
  postalCode: string;
  address: string;
  companyName: string;
  department: string;
  /** The contact person; empty or null addresses the letter to 「ご担当者 様」. */
  personName: string | null;
}

export type CsvEncoding = 'utf8' | 'cp932';

export const MAILING_LIST_HEADER = ['郵便番号', '住所', '会社名', '部署', '氏名'] as const;
const HONORIFIC = '様';
const NO_PERSON = 'ご担当者';

/**
 * Characters Macs and the web write where Windows' CP932 has a look-alike (the classic
 * WAVE DASH problem): mapped before encoding so they print instead of turning into '?'.
 */
const CP932_LOOKALIKES: Record<string, string> = {
  '\u301c': '\uff5e', // 〜 → ～
  '\u2212': '\uff0d', // − → －
  '\u2016': '\u2225', // ‖ → ∥
  '\u2014': '\u2015', // — → ―
  '\u00a2': '\uffe0', // ¢ → ￠
  '\u00a3': '\uffe1', // £ → ￡
  '\u00ac': '\uffe2', // ¬ → ￢
};

function toCp932Lookalikes(text: string): string {
  return text.replace(/[\u301c\u2212\u2016\u2014\u00a2\u00a3\u00ac]/g, (c) => CP932_LOOKALIKES[c] ?? c);
}

/**
 * '123-4567' from 1234567, '〒123-4567' or full-width '１２３－４５６７'; anything that is not
 * seven digits is kept as written (trimmed) for a person to correct.
 *
 * @example formatPostalCode('１２３４５６７')  // '123-4567'
 */
export function formatPostalCode(value: string): string {
  const folded = value.normalize('NFKC').trim();
  const digits = folded.replace(/[〒\s\-‐‑–—―−ー]/g, '');
  return /^\d{7}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3)}` : folded;
}

/**
 * The addressee line: the person's name with 様, or 「ご担当者 様」 when there is none.
 *
 * @example addresseeName('山田 太郎')  // '山田 太郎 様'
 */
export function addresseeName(personName: string | null): string {
  const name = (personName ?? '').trim().replace(/\s*様$/, '');
  return `${name === '' ? NO_PERSON : name} ${HONORIFIC}`;
}

/**
 * RFC 4180 quoting, and a leading ' before = + - @ (and tab or CR), so a spreadsheet never runs
 * a customer's data as a formula (OWASP "CSV injection").
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The mailing list for a print-and-post service: header 郵便番号,住所,会社名,部署,氏名, CRLF lines.
 * UTF-8 gets a BOM (Excel); CP932 maps look-alike characters first, and what CP932 still lacks
 * (e.g. 𠮷) becomes '?' — `cp932Unmappable` lists those rows beforehand.
 *
 * @example mailingListCsv([{ postalCode: '1000001', address: '東京都千代田区千代田1-1', companyName: '株式会社めざめ',
 *   department: '', personName: null }], 'cp932')
 */
export function mailingListCsv(rows: readonly MailingRecipient[], encoding: CsvEncoding): Buffer {
  const lines = [MAILING_LIST_HEADER.join(',')];
  for (const row of rows) {
    lines.push(
      [
        formatPostalCode(row.postalCode),
        row.address.trim(),
        row.companyName.trim(),
        row.department.trim(),
        addresseeName(row.personName),
      ]
        .map(csvField)
        .join(','),
    );
  }
  const text = `${lines.join('\r\n')}\r\n`;
  if (encoding === 'cp932') return iconv.encode(toCp932Lookalikes(text), 'cp932');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/**
 * The rows (0-based) and characters CP932 cannot carry even after look-alike mapping.
 *
 * @example cp932Unmappable([{ …, personName: '𠮷田 花子' }])  // [{ row: 0, characters: ['𠮷'] }]
 */
export function cp932Unmappable(rows: readonly MailingRecipient[]): { row: number; characters: string[] }[] {
  const found: { row: number; characters: string[] }[] = [];
  rows.forEach((row, index) => {
    const text = [row.postalCode, row.address, row.companyName, row.department, row.personName ?? ''].join(
      '',
    );
    const characters = new Set<string>();
    for (const c of toCp932Lookalikes(text)) {
      if (c !== '?' && iconv.decode(iconv.encode(c, 'cp932'), 'cp932') !== c) characters.add(c);
    }
    if (characters.size > 0) found.push({ row: index, characters: [...characters] });
  });
  return found;
}

/**
 * The QR code of a URL as an SVG document (error correction M, quiet zone of 4 modules).
 * Deterministic: the same URL gives the same SVG.
 *
 * @example await qrSvg('https://mezame.example.jp/t/c/…')  // '<svg xmlns=… viewBox="0 0 37 37" …>'
 */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

export interface LetterInput {
  /** The rendered message body: plain text, blank lines between paragraphs. */
  text: string;
  recipient: MailingRecipient;
  senderName: string;
  /** The sender's postal address, one or more lines. */
  senderAddress: string;
  personalUrl: string;
  /** From qrSvg(personalUrl). */
  qrSvg: string;
  locale: 'ja' | 'en';
}

const LABELS = {
  ja: { scan: 'スマートフォンで読み取るか、下記のURLからご覧ください。', lang: 'ja' },
  en: { scan: 'Scan with your phone, or open the address below.', lang: 'en' },
} as const;

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function lines(value: string): string {
  return value
    .split(/\r?\n/)
    .map((line) => escapeHtml(line.trim()))
    .filter((line) => line !== '')
    .join('<br>');
}

function paragraphs(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => `<p>${block.split('\n').map(escapeHtml).join('<br>')}</p>`)
    .join('\n');
}

/** The printed form of the link: without the scheme, so a reader can type it. */
function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

const LETTER_CSS = `@page { size: A4; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Hiragino Mincho ProN", "Yu Mincho", "Noto Serif CJK JP", serif; font-size: 10.5pt; line-height: 1.8; color: #000; }
.letter { width: 210mm; min-height: 297mm; padding: 20mm 20mm 18mm; page-break-after: always; break-after: page; position: relative; }
.letter:last-child { page-break-after: auto; break-after: auto; }
/* Sits in the window of a 長形3号 window envelope (about 90 × 45 mm, 20 mm from the left, 15 mm from the top). */
.addressee { width: 90mm; height: 45mm; margin: -5mm 0 12mm 0; font-size: 11pt; line-height: 1.6; overflow: hidden; }
.addressee .postal { font-size: 10pt; }
.addressee .name { font-size: 13pt; margin-top: 2mm; }
.sender { text-align: right; font-size: 9.5pt; margin-bottom: 8mm; }
.body p { margin: 0 0 1em 0; }
.cta { display: flex; align-items: center; gap: 6mm; margin-top: 10mm; page-break-inside: avoid; break-inside: avoid; }
.cta img { width: 28mm; height: 28mm; }
.cta .url { font-family: monospace; font-size: 9pt; word-break: break-all; }
@media screen { body { background: #eee; } .letter { background: #fff; margin: 8mm auto; box-shadow: 0 1mm 3mm rgba(0,0,0,.2); } }`;

/** One letter as a page section (several make one print job, see lettersHtml). */
export function letterSection(input: LetterInput): string {
  const { recipient } = input;
  const labels = LABELS[input.locale];
  const name =
    input.locale === 'ja'
      ? addresseeName(recipient.personName)
      : (recipient.personName ?? '').trim() || 'Attn: Manager';
  const postal = formatPostalCode(recipient.postalCode);
  // The SVG goes in as an image, never inline: an <img> cannot run script, whatever it holds.
  const qrSrc = `data:image/svg+xml;base64,${Buffer.from(input.qrSvg, 'utf8').toString('base64')}`;
  return `<section class="letter">
<div class="addressee">
${postal ? `<div class="postal">〒${escapeHtml(postal)}</div>` : ''}
<div class="address">${lines(recipient.address)}</div>
${recipient.companyName.trim() ? `<div class="company">${escapeHtml(recipient.companyName.trim())}</div>` : ''}
${recipient.department.trim() ? `<div class="department">${escapeHtml(recipient.department.trim())}</div>` : ''}
<div class="name">${escapeHtml(name)}</div>
</div>
<div class="sender">${escapeHtml(input.senderName)}<br>${lines(input.senderAddress)}</div>
<div class="body">
${paragraphs(input.text)}
</div>
<div class="cta">
<img src="${qrSrc}" alt="QR">
<div><div>${escapeHtml(labels.scan)}</div><div class="url">${escapeHtml(shortUrl(input.personalUrl))}</div></div>
</div>
</section>`;
}

/**
 * Several letters as one print-ready A4 document, one letter per page (or more when long).
 */
export function lettersHtml(inputs: readonly LetterInput[], locale: 'ja' | 'en'): string {
  return `<!DOCTYPE html>
<html lang="${LABELS[locale].lang}">
<head>
<meta charset="utf-8">
<title>DM</title>
<style>
${LETTER_CSS}
</style>
</head>
<body>
${inputs.map(letterSection).join('\n')}
</body>
</html>
`;
}

/**
 * A print-ready A4 letter: the addressee block for a window envelope, the sender, the body
 * (escaped, paragraphs kept) and the QR code with the personal URL at the bottom.
 *
 * @example letterHtml({ text, recipient, senderName: '株式会社めざめ商事', senderAddress, personalUrl,
 *   qrSvg: await qrSvg(personalUrl), locale: 'ja' })
 */
export function letterHtml(input: LetterInput): string {
  return lettersHtml([input], input.locale);
}
