/**
 * The external ids already met in one file, with the row each first appeared on, so a repeated
 * id is rejected naming the earlier row. A file may hold tens of millions of rows: a Map of
 * strings would need ~100 bytes per id, this table 12 bytes per slot. Ids are kept as a 64-bit
 * hash (two independent 32-bit FNV-1a variants); two different ids of one file share both
 * halves with a probability of about n² / 2⁶⁵ (≈ 10⁻⁵ for 20 million ids).
 */

const EMPTY = 0;
const INITIAL_SLOTS = 1 << 16;
const MAX_LOAD = 0.6;

export class SeenIds {
  private keysA = new Uint32Array(INITIAL_SLOTS);
  private keysB = new Uint32Array(INITIAL_SLOTS);
  /** Row number + 1 of the first occurrence; 0 marks an empty slot. */
  private rows = new Uint32Array(INITIAL_SLOTS);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Records `id` as seen on `row` and returns 0, or returns the row it was first seen on.
   *
   * @example new SeenIds().firstRowOf('O1', 2) // 0 (new); a second call with row 7 gives 2
   */
  firstRowOf(id: string, row: number): number {
    const [a, b] = hashPair(id);
    const mask = this.rows.length - 1;
    let slot = a & mask;
    for (;;) {
      const stored = this.rows[slot] ?? EMPTY;
      if (stored === EMPTY) break;
      if (this.keysA[slot] === a && this.keysB[slot] === b) return stored - 1;
      slot = (slot + 1) & mask;
    }
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.rows[slot] = row + 1;
    this.count++;
    if (this.count > this.rows.length * MAX_LOAD) this.grow();
    return 0;
  }

  private grow(): void {
    const { keysA, keysB, rows } = this;
    const size = rows.length * 2;
    this.keysA = new Uint32Array(size);
    this.keysB = new Uint32Array(size);
    this.rows = new Uint32Array(size);
    const mask = size - 1;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] ?? EMPTY;
      if (row === EMPTY) continue;
      const a = keysA[i] ?? 0;
      let slot = a & mask;
      while ((this.rows[slot] ?? EMPTY) !== EMPTY) slot = (slot + 1) & mask;
      this.keysA[slot] = a;
      this.keysB[slot] = keysB[i] ?? 0;
      this.rows[slot] = row;
    }
  }
}

const pair: [number, number] = [0, 0];

/** FNV-1a over UTF-16 code units, and a second pass with another basis and a murmur finaliser. */
function hashPair(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  pair[0] = a >>> 0;
  pair[1] = b >>> 0;
  return pair;
}
