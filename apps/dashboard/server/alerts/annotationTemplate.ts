/**
 * `{{name}}` placeholders in rule annotations. Only the names below exist;
 * rules using any other are rejected at validation, so a typo shows up in
 * the form rather than as a literal `{{servce}}` in a page at night.
 */
export const PLACEHOLDERS = [
  'rule',
  'kind',
  'severity',
  'service',
  'dependency',
  'breaker',
  'bulkhead',
  'saga',
  'sagaId',
  'value',
  'valueText',
  'threshold',
  'thresholdText',
  'state',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateVars = Partial<Record<Placeholder, string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

export function unknownPlaceholders(template: string): string[] {
  const unknown: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!KNOWN.has(name) && !name.startsWith('labels.')) unknown.push(name);
  }
  return unknown;
}

/** Substitute placeholders; `{{labels.team}}` reads a label; missing values render as empty text. */
export function renderTemplate(template: string, vars: TemplateVars, labels: Record<string, string>): string {
  if (!template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (_, name: string) =>
    name.startsWith('labels.') ? (labels[name.slice(7)] ?? '') : (vars[name as Placeholder] ?? ''),
  );
}
