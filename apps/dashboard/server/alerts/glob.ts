/**
 * Selector matching: `*` matches any run of characters (including none),
 * `?` exactly one; a pattern without either is an exact, case-sensitive
 * match. Patterns are compiled once per rule, not per evaluation.
 */
export type NameMatcher = (name: string) => boolean;

const GLOB_CHARS = /[*?]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

export function compileGlob(pattern: string): NameMatcher {
  if (!isGlob(pattern)) return (name) => name === pattern;
  if (pattern === '*') return () => true;
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name);
}
