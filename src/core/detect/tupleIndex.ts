/**
 * Dense numbering of distinct tuples of doubles (e.g. (x, t_x, T) summary rows) with an
 * open-addressing hash table on their bit patterns. A `Map` keyed by a number or string costs
 * a second per million BG/NBD rows; this is a few tens of milliseconds.
 */

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

export class TupleIndex {
  /** Number of distinct tuples seen; they are numbered 0 … size − 1 in order of first sight. */
  size = 0;
  private keys: Float64Array;
  private slots: Int32Array;
  private mask: number;

  constructor(
    readonly arity: number,
    expected = 1024,
  ) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity).fill(-1);
    this.keys = new Float64Array(expected * arity);
  }

  /** The number of `tuple` (its first `arity` values), adding it if new. */
  indexOf(a: number, b = 0, c = 0): number {
    // +0 folds −0 into 0 so that equal numbers share a key.
    const x = a + 0;
    const y = b + 0;
    const z = c + 0;
    let slot = this.hash(x, y, z) & this.mask;
    const { arity, keys, slots } = this;
    for (;;) {
      const at = slots[slot] as number;
      if (at === -1) break;
      const base = at * arity;
      if (keys[base] === x && (arity < 2 || keys[base + 1] === y) && (arity < 3 || keys[base + 2] === z)) {
        return at;
      }
      slot = (slot + 1) & this.mask;
    }
    const index = this.size++;
    if ((index + 1) * arity > this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2 + arity);
      grown.set(this.keys);
      this.keys = grown;
    }
    const base = index * arity;
    this.keys[base] = x;
    if (arity > 1) this.keys[base + 1] = y;
    if (arity > 2) this.keys[base + 2] = z;
    this.slots[slot] = index;
    if (this.size * 2 > this.slots.length) this.rehash();
    return index;
  }

  /** Component `k` of tuple number `index`. */
  value(index: number, k = 0): number {
    return this.keys[index * this.arity + k] as number;
  }

  private hash(x: number, y: number, z: number): number {
    let h = 0x811c9dc5;
    bits[0] = x;
    h = Math.imul(h ^ (words[0] as number), 0x01000193);
    h = Math.imul(h ^ (words[1] as number), 0x01000193);
    if (this.arity > 1) {
      bits[0] = y;
      h = Math.imul(h ^ (words[0] as number), 0x01000193);
      h = Math.imul(h ^ (words[1] as number), 0x01000193);
    }
    if (this.arity > 2) {
      bits[0] = z;
      h = Math.imul(h ^ (words[0] as number), 0x01000193);
      h = Math.imul(h ^ (words[1] as number), 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return (h ^ (h >>> 13)) >>> 0;
  }

  private rehash(): void {
    const capacity = this.slots.length * 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity).fill(-1);
    for (let index = 0; index < this.size; index++) {
      const base = index * this.arity;
      const x = this.keys[base] as number;
      const y = this.arity > 1 ? (this.keys[base + 1] as number) : 0;
      const z = this.arity > 2 ? (this.keys[base + 2] as number) : 0;
      let slot = this.hash(x, y, z) & this.mask;
      while ((this.slots[slot] as number) !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = index;
    }
  }
}
