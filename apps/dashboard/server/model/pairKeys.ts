/** Joins the two parts of a pair key (entity keys, series prefixes). */
export const SEP = '\u0000';

/**
 * `${a}${SEP}${b}` strings, interned: the same pair yields the same (flat,
 * already hashed) string, so map lookups with it skip concatenating, flattening
 * and hashing. Bounded: forgets everything when it holds `max` keys.
 */
export class PairKeys {
  private readonly byFirst = new Map<string, Map<string, string>>();
  private size = 0;

  constructor(private readonly max: number) {}

  key(a: string, b: string): string {
    let inner = this.byFirst.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.byFirst.set(a, inner);
    }
    let key = inner.get(b);
    if (key === undefined) {
      if (this.size >= this.max) {
        this.byFirst.clear();
        this.size = 0;
        inner = new Map();
        this.byFirst.set(a, inner);
      }
      key = `${a}${SEP}${b}`;
      inner.set(b, key);
      this.size++;
    }
    return key;
  }
}
