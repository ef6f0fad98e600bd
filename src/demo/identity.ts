/**
 * Who a demo customer is: a company (or, for the shop, a person) with a realistic Japanese
 * name, address in a real prefecture with a real postal-code prefix, phone, consents.
 * A pure function of (seed, index), so a near-duplicate record can re-create its original.
 */
import {
  COMPANY_MIDDLES,
  COMPANY_STEMS,
  COMPANY_TRADES,
  GIVEN_NAMES_FEMALE,
  GIVEN_NAMES_MALE,
  LATIN_STEMS,
  PREFECTURE_WEIGHTS,
  PREFECTURES,
  type Prefecture,
  SURNAMES,
  SURNAMES_ROMAJI,
} from './japan.js';
import { type BusinessProfile, ownerFor } from './profiles.js';
import { labelSeed, Rng } from './random.js';

const IDENTITY_STREAM = labelSeed('identity');

const STEMS: readonly (readonly [string, string])[] = [
  ...COMPANY_STEMS,
  ...SURNAMES.map((s, i) => [s, SURNAMES_ROMAJI[i] ?? 'co'] as const),
  ...LATIN_STEMS.map((s) => [s, s.toLowerCase()] as const),
];
const MIDDLES = [...new Set(COMPANY_MIDDLES)];
const MIDDLE_ROMAJI: Record<string, string> = {
  '': '',
  テクノ: 'techno',
  エンジニアリング: 'eng',
  システム: 'sys',
  メタル: 'metal',
  プラント: 'plant',
  精密: 'seimitsu',
  ケミカル: 'chem',
};
const NAME_COMBOS = STEMS.length * MIDDLES.length * COMPANY_TRADES.length;
const TOWNS =
  '本町 栄町 中央 緑町 新町 旭町 港町 東町 西町 南町 北町 宮前 若松町 桜町 寿町 昭和町 工業団地 大字上野 流通センター'.split(
    ' ',
  );
const RESIDENTIAL_TOWNS = TOWNS.filter((t) => !/工業|流通/.test(t));
const PERSON_DOMAINS = ['example.com', 'example.net', 'example.org'];

export interface CustomerIdentity {
  customerId: string;
  kind: 'company' | 'person';
  /** Full name as recorded (株式会社東洋テクノ工業, 山田 花子). */
  name: string;
  /** Company name without legal form (東洋テクノ工業); the person's name for the shop. */
  coreName: string;
  legalForm: 'prefix' | 'suffix' | 'yugen';
  /** E-mail domain of the company (reserved .example TLD). */
  domain: string;
  email: string;
  phone: string;
  postalCode: string;
  prefecture: Prefecture;
  address: string;
  lat: number;
  lng: number;
  industry: string | null;
  employees: number | null;
  owner: string | null;
  /** Overseas-owned account whose staff write in English. */
  isEnglish: boolean;
}

/** Customer external id: C + zero-padded number (width grows with the demo size). */
export function customerIdOf(index: number, width: number): string {
  return `C${String(index + 1).padStart(width, '0')}`;
}

/** A bijection of [0, n) that scatters neighbours (index × stride + offset mod n). */
export function scatter(index: number, n: number, stride: number, offset: number): number {
  return ((((index % n) * stride) % n) + offset) % n;
}

/** The smallest stride ≥ start coprime with n, so `scatter` is a bijection. */
export function coprimeStride(n: number, start: number): number {
  let s = start % Math.max(1, n) || 1;
  while (gcd(s, n) !== 1) s++;
  return s;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function makeIdentity(
  profile: BusinessProfile,
  seed: number,
  index: number,
  customerCount: number,
  idWidth: number,
  onlyPrefectures?: readonly string[],
): CustomerIdentity {
  const rng = Rng.forStream(seed, index, IDENTITY_STREAM);
  const allowed = onlyPrefectures ? PREFECTURES.filter((x) => onlyPrefectures.includes(x.name)) : PREFECTURES;
  const prefecture = rng.weighted(
    allowed,
    onlyPrefectures ? allowed.map((x) => x.weight) : PREFECTURE_WEIGHTS,
  );
  const customerId = customerIdOf(index, idWidth);
  const postalCode = `${rng.choice(prefecture.postalPrefixes)}-${String(rng.int(0, 9999)).padStart(4, '0')}`;
  const city = rng.choice(prefecture.cities);
  const town = rng.choice(profile.kind === 'ec' ? RESIDENTIAL_TOWNS : TOWNS);
  const address = town.startsWith('大字')
    ? `${city}${town}${rng.int(1, 2999)}番地`
    : `${city}${town}${rng.int(1, 5)}丁目${rng.int(1, 30)}-${rng.int(1, 20)}`;
  const lat = round4(prefecture.lat + rng.normal(0, 0.08));
  const lng = round4(prefecture.lng + rng.normal(0, 0.1));
  if (profile.kind === 'ec') {
    const female = rng.chance(0.62);
    const [given, givenRomaji] = rng.choice(female ? GIVEN_NAMES_FEMALE : GIVEN_NAMES_MALE);
    const surnameIndex = rng.int(0, SURNAMES.length - 1);
    const surname = SURNAMES[surnameIndex] ?? '佐藤';
    const name = `${surname} ${given}`;
    const domain = rng.choice(PERSON_DOMAINS);
    return {
      customerId,
      kind: 'person',
      name,
      coreName: name,
      legalForm: 'prefix',
      domain,
      email: `${givenRomaji}.${SURNAMES_ROMAJI[surnameIndex]}${index + 1}@${domain}`,
      phone: `${rng.choice(['090', '080', '070'])}-${digits(rng, 4)}-${digits(rng, 4)}`,
      postalCode,
      prefecture,
      address,
      lat,
      lng,
      industry: null,
      employees: null,
      owner: null,
      isEnglish: rng.chance(0.02),
    };
  }
  const perm = scatter(index, customerCount, coprimeStride(customerCount, 7919), 104_729 % customerCount);
  const combo = Number((BigInt(perm % NAME_COMBOS) * 9973n) % BigInt(NAME_COMBOS));
  const round = Math.floor(perm / NAME_COMBOS);
  const [stem, stemRomaji] = STEMS[combo % STEMS.length] ?? ['東洋', 'toyo'];
  const rest = Math.floor(combo / STEMS.length);
  const middle = MIDDLES[rest % MIDDLES.length] ?? '';
  const [trade, tradeRomaji, industry] =
    COMPANY_TRADES[Math.floor(rest / MIDDLES.length)] ?? COMPANY_TRADES[0] ?? [];
  const area = round === 0 ? '' : roundPrefix(round);
  const coreName = `${area}${stem}${middle}${trade}`;
  const legalForm = rng.weighted(['prefix', 'suffix', 'yugen'] as const, [6, 3, 1]);
  const name =
    legalForm === 'prefix'
      ? `株式会社${coreName}`
      : legalForm === 'suffix'
        ? `${coreName}株式会社`
        : `有限会社${coreName}`;
  const domain = `${stemRomaji}${MIDDLE_ROMAJI[middle] ?? ''}-${tradeRomaji}${round === 0 ? '' : round}.example`;
  const areaCode = prefecture.areaCode;
  const localDigits = 10 - areaCode.length;
  const exchangeDigits = localDigits - 4;
  const phone = `${areaCode}-${String(rng.int(2, 9))}${digits(rng, exchangeDigits - 1)}-${digits(rng, 4)}`;
  const employees = Math.min(5000, Math.max(3, Math.round(rng.logNormal(45, 1.1))));
  return {
    customerId,
    kind: 'company',
    name,
    coreName,
    legalForm,
    domain,
    email: `info@${domain}`,
    phone,
    postalCode,
    prefecture,
    address,
    lat,
    lng,
    industry: industry ?? null,
    employees,
    owner: ownerFor(profile, prefecture.name),
    isEnglish: rng.chance(0.04),
  };
}

/**
 * How the same company gets typed again by someone else (名寄せ targets): abbreviated or
 * full-width legal form, full-width letters, a stray space.
 */
export function nameVariant(identity: CustomerIdentity, rng: Rng): string {
  const core = identity.coreName;
  const yugen = identity.legalForm === 'yugen';
  const [abbreviation, symbol, word] = yugen ? ['(有)', '㈲', '有限会社'] : ['(株)', '㈱', '株式会社'];
  switch (rng.int(0, 3)) {
    case 0:
      return `${abbreviation}${toFullWidth(core)}`;
    case 1:
      return `${symbol}${core}`;
    case 2:
      return `${core} ${word}`;
    default:
      return `${toFullWidth(core)}（${abbreviation.slice(1, 2)}）`;
  }
}

/** ASCII letters and digits to their full-width forms (ＡＢＣ１２３). */
export function toFullWidth(text: string): string {
  return text.replace(/[A-Za-z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}

/** A person's name and e-mail at a company (for contacts). */
export function personAt(rng: Rng, domain: string): { name: string; email: string } {
  const female = rng.chance(0.35);
  const [given, givenRomaji] = rng.choice(female ? GIVEN_NAMES_FEMALE : GIVEN_NAMES_MALE);
  const i = rng.int(0, SURNAMES.length - 1);
  return { name: `${SURNAMES[i]} ${given}`, email: `${givenRomaji}.${SURNAMES_ROMAJI[i]}@${domain}` };
}

function roundPrefix(round: number): string {
  const pref = PREFECTURES[(round - 1) % PREFECTURES.length]?.name ?? '';
  const short = pref.length > 2 ? pref.replace(/[都府県]$/, '') : pref;
  const generation = Math.floor((round - 1) / PREFECTURES.length);
  return generation === 0 ? short : `${short}第${generation + 1}`;
}

function digits(rng: Rng, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(rng.int(0, 9));
  return s;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
