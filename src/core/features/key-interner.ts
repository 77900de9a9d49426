/**
 * Interns the key, category and date values of a stream of events: each distinct value is kept
 * once, as its own string, under a small integer id. Readers hand out that one string (so maps
 * keyed by it hash it once and no slice keeps an input line alive) and its id, which lets the
 * offline store index flat tables by integer instead of hashing strings.
 *
 * Id 0 is the empty (missing) value. The table grows with the distinct values, which the entities
 * bound anyway.
 */

export class KeyInterner {
  private readonly ids = new Map<string, number>([['', 0]]);
  /** The value of each id. */
  private readonly values: string[] = [''];

  /** Number of ids handed out (the empty value included). */
  get size(): number {
    return this.values.length;
  }

  /** The id of a value seen before, or undefined. */
  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  /**
   * Adds a value not seen before and returns its id. The caller passes a string it owns (not a
   * slice of a larger one): it is kept for as long as the interner lives.
   */
  add(value: string): number {
    const id = this.values.push(value) - 1;
    this.ids.set(value, id);
    return id;
  }

  /** The value of an id. */
  value(id: number): string {
    return this.values[id];
  }
}
