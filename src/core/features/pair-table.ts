/**
 * A hash table from a pair of non-negative integers to an integer, in three flat typed arrays
 * (open addressing, linear probing, backward-shift deletion so no tombstones pile up). The offline
 * store keys entity pairs (card id, merchant id) → slot and distinct counts (map, value id) → count
 * with it: one probe into flat memory where a Map of Maps of strings costs several pointer chases.
 */

/** Marks an empty bucket (keys are ≥ 0). */
const EMPTY = -1;
/** The table doubles when more than this share of its buckets is used. */
const MAX_LOAD = 0.5;

export class PairTable {
  private first: Int32Array;
  private second: Int32Array;
  private values: Int32Array;
  private mask: number;
  /** Number of pairs held. */
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity / MAX_LOAD) n *= 2;
    this.first = new Int32Array(n).fill(EMPTY);
    this.second = new Int32Array(n);
    this.values = new Int32Array(n);
    this.mask = n - 1;
  }

  private home(a: number, b: number): number {
    // Two multiplicative mixes (golden-ratio and murmur constants), then a final avalanche.
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ 0x5bd1e995, 0x85ebca77);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & this.mask;
  }

  /** The bucket holding (a, b), or -1. */
  private find(a: number, b: number): number {
    const first = this.first;
    const mask = this.mask;
    for (let i = this.home(a, b); ; i = (i + 1) & mask) {
      const f = first[i];
      if (f === EMPTY) return -1;
      if (f === a && this.second[i] === b) return i;
    }
  }

  /** The value of (a, b), or -1 when absent. */
  get(a: number, b: number): number {
    const i = this.find(a, b);
    return i < 0 ? -1 : this.values[i];
  }

  /** Sets the value of (a, b) (a new pair or an existing one). */
  set(a: number, b: number, value: number): void {
    const i = this.find(a, b);
    if (i >= 0) this.values[i] = value;
    else this.insert(a, b, value);
  }

  /** Adds 1 to the value of (a, b) (absent: 0) and returns the new value. */
  increment(a: number, b: number): number {
    const i = this.find(a, b);
    if (i >= 0) return ++this.values[i];
    this.insert(a, b, 1);
    return 1;
  }

  /** Takes 1 from the value of (a, b), which must be present; at 0 the pair is removed. Returns the new value. */
  decrement(a: number, b: number): number {
    const i = this.find(a, b);
    if (i < 0) throw new Error(`PairTable.decrement: (${a}, ${b}) is absent`);
    const v = --this.values[i];
    if (v === 0) this.remove(i);
    return v;
  }

  /** Every (b, value) held with first key a, by b ascending (a whole scan: for export, not the hot path). */
  entriesOf(a: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.first.length; i++) if (this.first[i] === a) out.push([this.second[i], this.values[i]]);
    return out.sort((x, y) => x[0] - y[0]);
  }

  private insert(a: number, b: number, value: number): void {
    if (this.size + 1 > (this.mask + 1) * MAX_LOAD) this.grow();
    const mask = this.mask;
    let i = this.home(a, b);
    while (this.first[i] !== EMPTY) i = (i + 1) & mask;
    this.first[i] = a;
    this.second[i] = b;
    this.values[i] = value;
    this.size++;
  }

  /** Empties bucket i and shifts back the later entries of its run that may no longer be reachable. */
  private remove(i: number): void {
    const mask = this.mask;
    const first = this.first;
    let hole = i;
    for (let j = (i + 1) & mask; first[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(first[j], this.second[j]);
      // Entry j may move into the hole when its home is not in the cyclic range (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        first[hole] = first[j];
        this.second[hole] = this.second[j];
        this.values[hole] = this.values[j];
        hole = j;
      }
    }
    first[hole] = EMPTY;
    this.size--;
  }

  private grow(): void {
    const first = this.first;
    const second = this.second;
    const values = this.values;
    const n = first.length * 2;
    this.first = new Int32Array(n).fill(EMPTY);
    this.second = new Int32Array(n);
    this.values = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < first.length; i++) if (first[i] !== EMPTY) this.insert(first[i], second[i], values[i]);
  }
}
