/**
 * Finding duplicate customers (名寄せ candidates). Customers are first put into blocks by hash
 * maps (same name key, same email, same phone, same company email domain, and for near-identical
 * names a prefix-filtered bigram index), so only customers sharing a block are ever compared:
 * the work grows with the number of customers, never with its square. Each proposed pair is then
 * compared field by field, and pairs join into groups (A~B, B~C → one group).
 *
 * Nothing here merges anything: a candidate is a suggestion with its evidence. Only 'strong'
 * candidates may be merged without a person naming the ids.
 */
import {
  addressKey,
  bigramSimilarity,
  characterBigrams,
  companyDomainOfAddress,
  customerNameKey,
  normaliseEmail,
  normalisePhone,
  normalisePostalCode,
  prefectureKey,
} from './nameMatching.js';

/** What name matching needs to know of one customer. */
export interface CustomerIdentity {
  customerId: string;
  name: string;
  kind: 'company' | 'person';
  email: string | null;
  phone: string | null;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
}

/**
 * strong: email or phone equal, or the name key equal and another identifier (company email
 * domain, postal code + address) agrees — may be merged by `dedupe --merge`.
 * name_only: only the name key agrees — a person decides (`dedupe --ids`).
 * weak: near-identical names in one prefecture, a shared company email domain, a person's
 * phone/email shared under a different name (households share them), or a person and a company
 * sharing one (the person is usually the company's contact) — for review only.
 */
export type CandidateStrength = 'strong' | 'name_only' | 'weak';
const STRENGTHS: readonly CandidateStrength[] = ['strong', 'name_only', 'weak'];

export interface DuplicateCandidate {
  /** Two or more customer ids, sorted. */
  customerIds: string[];
  /** 0..1: the weakest link that holds the group together. */
  similarity: number;
  strength: CandidateStrength;
  /** Human-readable evidence, one line per link. */
  reasons: string[];
}

/** A block too large to be evidence (a shared switchboard number, info@ used as a placeholder). */
export interface OversizedBlock {
  field: 'name' | 'email' | 'phone' | 'company_domain';
  value: string;
  customers: number;
}

export interface DuplicateSearch {
  candidates: DuplicateCandidate[];
  oversizedBlocks: OversizedBlock[];
  customersCompared: number;
  pairsCompared: number;
}

export interface DuplicateSearchOptions {
  /** Blocks with more customers than this are skipped and reported (default 50). */
  maxBlockSize?: number;
  /** Look for near-identical names within a prefecture (default true). */
  nearNames?: boolean;
  /** Bigram Dice similarity from which two names count as near-identical (default 0.9). */
  nearNameThreshold?: number;
  /** Reasons listed per candidate before "… and N more" (default 8). */
  maxReasons?: number;
}

const DEFAULT_MAX_BLOCK_SIZE = 50;
const DEFAULT_NEAR_NAME_THRESHOLD = 0.9;
const DEFAULT_MAX_REASONS = 8;
/**
 * Below this many characters two different keys cannot reach a bigram similarity of 0.9
 * (one changed character in a 6-character name already gives 0.8), so they are not indexed.
 */
const MIN_NEAR_NAME_LENGTH = 6;
/** A bigram shared by more names than this in one prefecture is too common to block on. */
const MAX_NEAR_NAME_POSTINGS = 2000;
/** Two persons' names this dissimilar under one phone or email are probably a household. */
const PERSON_NAME_AGREEMENT = 0.5;

/**
 * How much each piece of evidence says on its own; combined as independent evidence,
 * 1 − Π(1 − weight).
 */
const EVIDENCE_WEIGHT = {
  name: 0.7,
  nearName: 0.5,
  email: 0.9,
  phone: 0.8,
  companyDomain: 0.4,
  address: 0.6,
} as const;

interface Pair {
  a: number;
  b: number;
  score: number;
  rank: number;
  reasons: string[];
}

/**
 * An incremental finder: `add` every customer (streamed from storage), then `finish` once.
 *
 * @example
 * const finder = createDuplicateFinder();
 * for (const identity of identities) finder.add(identity);
 * const { candidates } = finder.finish();
 */
export function createDuplicateFinder(options: DuplicateSearchOptions = {}): {
  add(identity: CustomerIdentity): void;
  finish(): DuplicateSearch;
} {
  const maxBlockSize = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const threshold = options.nearNameThreshold ?? DEFAULT_NEAR_NAME_THRESHOLD;
  const maxReasons = options.maxReasons ?? DEFAULT_MAX_REASONS;

  const ids: string[] = [];
  const seen = new Set<string>();
  const names: string[] = [];
  const isPerson: boolean[] = [];
  const nameKeys: string[] = [];
  const emails: (string | null)[] = [];
  const phones: (string | null)[] = [];
  const rawPhones: (string | null)[] = [];
  const domains: (string | null)[] = [];
  const postalCodes: (string | null)[] = [];
  const addresses: (string | null)[] = [];
  const rawAddresses: (string | null)[] = [];
  const prefectures: (string | null)[] = [];
  const rawPrefectures: (string | null)[] = [];

  // A block holds one customer as a bare index and only becomes an array when a second joins:
  // most keys are unique, and a million one-element arrays would cost more than the search.
  type Block = number | number[];
  const nameBlocks = new Map<string, Block>();
  const emailBlocks = new Map<string, Block>();
  const phoneBlocks = new Map<string, Block>();
  const domainBlocks = new Map<string, Block>();

  function addToBlock(blocks: Map<string, Block>, key: string, index: number): void {
    const block = blocks.get(key);
    if (block === undefined) blocks.set(key, index);
    else if (typeof block === 'number') blocks.set(key, [block, index]);
    else block.push(index);
  }

  function add(identity: CustomerIdentity): void {
    if (seen.has(identity.customerId)) {
      throw new Error(`customer ${identity.customerId} was given to the duplicate finder twice`);
    }
    seen.add(identity.customerId);
    const index = ids.length;
    const person = identity.kind === 'person';
    const nameKey = customerNameKey(identity.name, identity.kind);
    const email = normaliseEmail(identity.email);
    const phone = normalisePhone(identity.phone);
    const domain = person || email === null ? null : companyDomainOfAddress(email);
    const prefecture = prefectureKey(identity.prefecture);
    ids.push(identity.customerId);
    names.push(identity.name);
    isPerson.push(person);
    nameKeys.push(nameKey);
    emails.push(email);
    phones.push(phone);
    rawPhones.push(identity.phone);
    domains.push(domain);
    postalCodes.push(normalisePostalCode(identity.postalCode));
    addresses.push(addressKey(identity.address));
    rawAddresses.push(identity.address);
    prefectures.push(prefecture);
    rawPrefectures.push(identity.prefecture);
    if (nameKey !== '') {
      // A person's name alone is shared by many people: it only proposes a pair within one
      // prefecture. A company's name key is specific enough on its own.
      addToBlock(
        nameBlocks,
        person ? `p\u0000${prefecture ?? ''}\u0000${nameKey}` : `c\u0000${nameKey}`,
        index,
      );
    }
    if (email !== null) addToBlock(emailBlocks, email, index);
    if (phone !== null) addToBlock(phoneBlocks, phone, index);
    if (domain !== null) addToBlock(domainBlocks, domain, index);
  }

  function finish(): DuplicateSearch {
    const count = ids.length;
    const oversizedBlocks: OversizedBlock[] = [];
    const proposed = new Set<number>();
    const propose = (x: number, y: number): void => {
      proposed.add(x < y ? x * count + y : y * count + x);
    };
    const blockSources: [OversizedBlock['field'], Map<string, Block>][] = [
      ['name', nameBlocks],
      ['email', emailBlocks],
      ['phone', phoneBlocks],
      ['company_domain', domainBlocks],
    ];
    for (const [field, blocks] of blockSources) {
      for (const [key, members] of blocks) {
        if (typeof members === 'number') continue;
        if (members.length > maxBlockSize) {
          const value = field === 'name' ? (key.split('\u0000').pop() ?? key) : key;
          oversizedBlocks.push({ field, value, customers: members.length });
          continue;
        }
        for (let i = 0; i < members.length; i++) {
          for (let j = i + 1; j < members.length; j++) propose(members[i] as number, members[j] as number);
        }
      }
    }
    const nearSimilarity = new Map<number, number>();
    if (options.nearNames !== false) {
      for (const [x, y, similarity] of nearNamePairs()) {
        const key = x < y ? x * count + y : y * count + x;
        proposed.add(key);
        nearSimilarity.set(key, similarity);
      }
    }

    const pairs: Pair[] = [];
    for (const key of proposed) {
      const a = Math.floor(key / count);
      const b = key - a * count;
      const pair = comparePair(a, b, nearSimilarity.get(key) ?? 0);
      if (pair) pairs.push(pair);
    }
    return {
      candidates: groupPairs(pairs),
      oversizedBlocks: oversizedBlocks.sort((x, y) => y.customers - x.customers),
      customersCompared: count,
      pairsCompared: proposed.size,
    };
  }

  /**
   * Near-identical company or person names within one prefecture, by prefix filtering with
   * positional pruning (Xiao et al., "Efficient similarity joins for near duplicate detection",
   * WWW 2008): with bigrams ordered rarest first, two names whose Dice similarity reaches t
   * share one of the first |x| − ⌈|x|·t/(2−t)⌉ + 1 bigrams of each, so only those are indexed
   * and probed, and a pair is dropped as soon as the bigrams left cannot reach t.
   */
  function nearNamePairs(): [number, number, number][] {
    const eligible: number[] = [];
    const scopeIds = new Map<string, number>();
    const scopeOf = new Int32Array(ids.length);
    const bigramsOf: string[][] = [];
    const frequency = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      if (prefectures[i] === null || (nameKeys[i] as string).length < MIN_NEAR_NAME_LENGTH) continue;
      const scope = `${isPerson[i] ? 'p' : 'c'}\u0000${prefectures[i]}`;
      let scopeId = scopeIds.get(scope);
      if (scopeId === undefined) {
        scopeId = scopeIds.size;
        scopeIds.set(scope, scopeId);
      }
      scopeOf[i] = scopeId;
      const bigrams = characterBigrams(nameKeys[i] as string);
      eligible.push(i);
      bigramsOf[i] = bigrams;
      for (const bigram of bigrams) frequency.set(bigram, (frequency.get(bigram) ?? 0) + 1);
    }
    const tokenIds = new Map<string, number>();
    const ordered = [...frequency.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
    for (const [bigram] of ordered) tokenIds.set(bigram, tokenIds.size);
    const tokens: Int32Array[] = [];
    for (const i of eligible) {
      tokens[i] = Int32Array.from((bigramsOf[i] as string[]).map((g) => tokenIds.get(g) as number)).sort();
      bigramsOf[i] = [];
    }
    eligible.sort((x, y) => (tokens[x] as Int32Array).length - (tokens[y] as Int32Array).length);

    const ratio = threshold / (2 - threshold);
    const scopeCount = Math.max(scopeIds.size, 1);
    // postings: flat [customer, position, customer, position, …], shortest names first
    const index = new Map<number, { entries: number[]; start: number }>();
    const lengthOf = new Int32Array(ids.length);
    for (const i of eligible) lengthOf[i] = (tokens[i] as Int32Array).length;
    // overlap so far with each name probed for the current one; −1 once it cannot reach t
    const overlap = new Int32Array(ids.length);
    const probed: number[] = [];
    const found: [number, number, number][] = [];
    for (const x of eligible) {
      const tx = tokens[x] as Int32Array;
      const prefixLength = tx.length - Math.ceil(tx.length * ratio) + 1;
      const minLength = Math.ceil(tx.length * ratio);
      probed.length = 0;
      for (let p = 0; p < prefixLength && p < tx.length; p++) {
        const postingKey = (tx[p] as number) * scopeCount + (scopeOf[x] as number);
        let postings = index.get(postingKey);
        if (!postings) {
          postings = { entries: [], start: 0 };
          index.set(postingKey, postings);
        }
        const { entries } = postings;
        // names are visited shortest first, so a name too short now is too short for good
        while (
          postings.start < entries.length &&
          (lengthOf[entries[postings.start] as number] as number) < minLength
        ) {
          postings.start += 2;
        }
        if ((entries.length - postings.start) / 2 <= MAX_NEAR_NAME_POSTINGS) {
          for (let e = postings.start; e < entries.length; e += 2) {
            const y = entries[e] as number;
            const seen = overlap[y] as number;
            if (seen < 0) continue;
            if (seen === 0) probed.push(y);
            const lengthY = lengthOf[y] as number;
            const required = Math.ceil((threshold * (tx.length + lengthY)) / 2);
            const reachable = Math.min(tx.length - p, lengthY - (entries[e + 1] as number));
            overlap[y] = seen + reachable >= required ? seen + 1 : -1;
          }
        }
        entries.push(x, p);
      }
      for (const y of probed) {
        const seen = overlap[y] as number;
        overlap[y] = 0;
        if (seen <= 0) continue;
        const similarity = diceOfSorted(tx, tokens[y] as Int32Array, threshold);
        if (similarity >= threshold && nameKeys[x] !== nameKeys[y]) found.push([y, x, similarity]);
      }
    }
    return found;
  }

  function comparePair(a: number, b: number, nearNameSimilarity: number): Pair | null {
    const person = isPerson[a] === true && isPerson[b] === true;
    const sameKind = isPerson[a] === isPerson[b];
    const nameA = names[a] as string;
    const nameB = names[b] as string;
    const sameName = sameKind && nameKeys[a] === nameKeys[b];
    const sameEmail = emails[a] !== null && emails[a] === emails[b];
    const samePhone = phones[a] !== null && phones[a] === phones[b];
    const sameDomain = !sameEmail && domains[a] !== null && domains[a] === domains[b];
    const sameAddress =
      postalCodes[a] !== null &&
      postalCodes[a] === postalCodes[b] &&
      addresses[a] !== null &&
      addresses[a] === addresses[b];
    const samePrefecture = prefectures[a] !== null && prefectures[a] === prefectures[b];
    const nearName = !sameName && nearNameSimilarity > 0;

    const weights: number[] = [];
    const reasons: string[] = [];
    if (sameName) {
      weights.push(EVIDENCE_WEIGHT.name);
      if (nameA === nameB) reasons.push(`same name: ${nameA}`);
      else if (person) reasons.push(`same name apart from width/spacing: ${nameA} ≈ ${nameB}`);
      else reasons.push(`same name apart from legal form/width/spacing: ${nameA} ≈ ${nameB}`);
    }
    if (nearName) {
      weights.push(EVIDENCE_WEIGHT.nearName * nearNameSimilarity);
      reasons.push(
        `near-identical names (bigram similarity ${nearNameSimilarity.toFixed(2)}) in ${rawPrefectures[a]}: ${nameA} ≈ ${nameB}`,
      );
    }
    if (sameEmail) {
      weights.push(EVIDENCE_WEIGHT.email);
      reasons.push(`same email ${emails[a]}`);
    }
    if (samePhone) {
      weights.push(EVIDENCE_WEIGHT.phone);
      const shown = rawPhones[a] === rawPhones[b] ? `${rawPhones[a]}` : `${rawPhones[a]} ≈ ${rawPhones[b]}`;
      reasons.push(`same phone ${shown}`);
    }
    if (sameDomain) {
      weights.push(EVIDENCE_WEIGHT.companyDomain);
      reasons.push(`same company email domain ${domains[a]}`);
    }
    if (sameAddress) {
      weights.push(EVIDENCE_WEIGHT.address);
      reasons.push(`same postal code and address 〒${postalCodes[a]} ${rawAddresses[a]}`);
    }
    if (weights.length === 0) return null;

    let strength: CandidateStrength;
    // A household shares a landline and sometimes an address book: two persons with clearly
    // different names under one phone or email are listed for review, never merged on it.
    const isHousehold =
      person &&
      !sameName &&
      bigramSimilarity(nameKeys[a] as string, nameKeys[b] as string) < PERSON_NAME_AGREEMENT;
    if (!sameKind) {
      // a person sharing a company's phone or email is usually its contact, not the company
      if (!(sameEmail || samePhone)) return null;
      strength = 'weak';
      reasons.push(`one is a person, the other a company: ${nameA} / ${nameB}`);
    } else if ((sameEmail || samePhone) && !isHousehold) strength = 'strong';
    else if (sameName && (sameDomain || sameAddress)) strength = 'strong';
    else if (sameName && (!person || samePrefecture || sameEmail || samePhone)) strength = 'name_only';
    else if (nearName || sameDomain || sameEmail || samePhone) strength = 'weak';
    else return null;
    if (isHousehold && (sameEmail || samePhone)) {
      reasons.push(`different person names ${nameA} / ${nameB}: a household may share one phone or email`);
    }
    const score = 1 - weights.reduce((rest, weight) => rest * (1 - weight), 1);
    return { a, b, score, rank: STRENGTHS.indexOf(strength), reasons };
  }

  /**
   * Joins pairs into groups, strongest level first: strong pairs make the strong groups; a
   * name-only group is reported where name-only pairs join two or more strong groups or single
   * customers; a weak group likewise joins name-only groups. So `--merge` of the strong groups
   * never pulls in a customer whose only link is a name.
   */
  function groupPairs(pairs: Pair[]): DuplicateCandidate[] {
    pairs.sort((x, y) => x.rank - y.rank || y.score - x.score);
    const parent = new Int32Array(ids.length).map((_, i) => i);
    const minScore = new Map<number, number>();
    const links = new Map<number, Pair[]>();
    const find = (x: number): number => {
      let root = x;
      while (parent[root] !== root) root = parent[root] as number;
      let node = x;
      while (parent[node] !== root) {
        const next = parent[node] as number;
        parent[node] = root;
        node = next;
      }
      return root;
    };
    const candidates: DuplicateCandidate[] = [];
    const touched = new Set<number>();
    let previousRoot = new Map<number, number>();
    let next = 0;
    for (let level = 0; level < STRENGTHS.length; level++) {
      for (; next < pairs.length && (pairs[next] as Pair).rank === level; next++) {
        const pair = pairs[next] as Pair;
        touched.add(pair.a);
        touched.add(pair.b);
        const ra = find(pair.a);
        const rb = find(pair.b);
        if (ra === rb) continue;
        const [big, small] =
          (links.get(ra)?.length ?? 0) >= (links.get(rb)?.length ?? 0) ? [ra, rb] : [rb, ra];
        parent[small] = big;
        minScore.set(big, Math.min(minScore.get(ra) ?? 1, minScore.get(rb) ?? 1, pair.score));
        const joined = links.get(big) ?? [];
        joined.push(...(links.get(small) ?? []), pair);
        links.set(big, joined);
        links.delete(small);
        minScore.delete(small);
      }
      const groups = new Map<number, number[]>();
      for (const node of touched) {
        const root = find(node);
        const members = groups.get(root);
        if (members) members.push(node);
        else groups.set(root, [node]);
      }
      const roots = new Map<number, number>();
      for (const [root, members] of groups) {
        for (const node of members) roots.set(node, root);
        if (members.length < 2) continue;
        if (level > 0) {
          const lower = new Set(members.map((node) => previousRoot.get(node) ?? -1 - node));
          if (lower.size < 2) continue;
        }
        candidates.push({
          customerIds: members.map((node) => ids[node] as string).sort(),
          similarity: Math.round((minScore.get(root) ?? 0) * 1000) / 1000,
          strength: STRENGTHS[level] as CandidateStrength,
          reasons: describeLinks(links.get(root) ?? [], members.length > 2),
        });
      }
      previousRoot = roots;
    }
    return candidates.sort(
      (x, y) =>
        STRENGTHS.indexOf(x.strength) - STRENGTHS.indexOf(y.strength) ||
        y.similarity - x.similarity ||
        (x.customerIds[0] as string).localeCompare(y.customerIds[0] as string),
    );
  }

  function describeLinks(groupLinks: Pair[], withPairIds: boolean): string[] {
    const lines: string[] = [];
    for (const link of groupLinks) {
      const prefix = withPairIds ? `${ids[link.a]} ~ ${ids[link.b]}: ` : '';
      for (const reason of link.reasons) lines.push(prefix + reason);
    }
    const unique = [...new Set(lines)];
    if (unique.length <= maxReasons) return unique;
    return [...unique.slice(0, maxReasons), `… and ${unique.length - maxReasons} more`];
  }

  return { add, finish };
}

/**
 * Candidate duplicate groups among customers, with their evidence.
 *
 * @example
 * findDuplicateCandidates([
 *   { customerId: 'C1', name: '株式会社ABC', kind: 'company', email: null, phone: '03-1234-5678', … },
 *   { customerId: 'C2', name: '(株)ＡＢＣ', kind: 'company', email: null, phone: '0312345678', … },
 * ]).candidates[0] // { customerIds: ['C1', 'C2'], strength: 'strong', … }
 */
export function findDuplicateCandidates(
  identities: Iterable<CustomerIdentity>,
  options: DuplicateSearchOptions = {},
): DuplicateSearch {
  const finder = createDuplicateFinder(options);
  for (const identity of identities) finder.add(identity);
  return finder.finish();
}

/**
 * Dice similarity of two sorted arrays of distinct token ids, or 0 as soon as the tokens left
 * cannot reach `threshold` (most pairs a prefix filter proposes fail within a few tokens).
 */
function diceOfSorted(x: Int32Array, y: Int32Array, threshold: number): number {
  const required = Math.ceil((threshold * (x.length + y.length)) / 2);
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < x.length && j < y.length) {
    if (shared + Math.min(x.length - i, y.length - j) < required) return 0;
    const a = x[i] as number;
    const b = y[j] as number;
    if (a === b) {
      shared++;
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  return (2 * shared) / (x.length + y.length);
}
