import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { type AlertRule, validateRule } from './ruleSchema';
import type { WebhookUrlPolicy } from './webhookUrlPolicy';

/**
 * `faultline.alerts.yaml`: rules kept in version control. The file is either
 * a list of rules or `{ rules: [...] }`. Each rule's id is `file:<name>` so
 * an edited rule keeps its identity (and its firing alerts) across reloads;
 * names must therefore be unique in the file. Rules from the file carry
 * `source: 'file'` and are read-only through the API and UI.
 *
 * A file with any error is rejected as a whole and the previous rules stay in
 * force: a typo in a commit must not silently delete every alert.
 */
export interface RuleFileError {
  file: string;
  /** Index of the rule in the list; null for errors about the whole file. */
  index: number | null;
  field: string;
  message: string;
}

export interface RuleFileLoad {
  rules: AlertRule[];
  errors: RuleFileError[];
}

export interface RuleFileOptions {
  webhookPolicy?: WebhookUrlPolicy;
}

export function fileRuleId(name: string): string {
  return `file:${name}`;
}

export function parseRuleFile(text: string, file: string, options: RuleFileOptions = {}): RuleFileLoad {
  const errors: RuleFileError[] = [];
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return {
      rules: [],
      errors: [{ file, index: null, field: '', message: `invalid YAML: ${(err as Error).message}` }],
    };
  }
  if (doc === null || doc === undefined) return { rules: [], errors: [] };
  const list = Array.isArray(doc) ? doc : (doc as { rules?: unknown }).rules;
  if (!Array.isArray(list)) {
    return { rules: [], errors: [{ file, index: null, field: 'rules', message: 'expected a list of rules' }] };
  }
  const rules: AlertRule[] = [];
  const names = new Set<string>();
  list.forEach((item, index) => {
    const name = (item as { name?: unknown } | null)?.name;
    const result = validateRule(item, {
      webhookPolicy: options.webhookPolicy,
      source: 'file',
      id: typeof name === 'string' ? fileRuleId(name.trim()) : '',
    });
    if (!result.ok) {
      for (const e of result.errors) errors.push({ file, index, ...e });
      return;
    }
    if (names.has(result.rule.name)) {
      errors.push({ file, index, field: 'name', message: `duplicate rule name "${result.rule.name}" in the file` });
      return;
    }
    names.add(result.rule.name);
    rules.push(result.rule);
  });
  return errors.length > 0 ? { rules: [], errors } : { rules, errors };
}

/** A missing file means no file rules. */
export async function loadRuleFile(file: string, options: RuleFileOptions = {}): Promise<RuleFileLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rules: [], errors: [] };
    return { rules: [], errors: [{ file, index: null, field: '', message: (err as Error).message }] };
  }
  return parseRuleFile(text, path.basename(file), options);
}

export interface RuleFileChange {
  /** The rules now in force (unchanged from before when the file has errors). */
  rules: AlertRule[];
  added: AlertRule[];
  changed: AlertRule[];
  removed: AlertRule[];
  errors: RuleFileError[];
}

export function diffRules(before: readonly AlertRule[], after: readonly AlertRule[]): Omit<RuleFileChange, 'errors'> {
  const old = new Map(before.map((r) => [r.id, r]));
  const added: AlertRule[] = [];
  const changed: AlertRule[] = [];
  for (const r of after) {
    const prev = old.get(r.id);
    if (!prev) added.push(r);
    else if (JSON.stringify(prev) !== JSON.stringify(r)) changed.push(r);
    old.delete(r.id);
  }
  return { rules: [...after], added, changed, removed: [...old.values()] };
}

export interface RuleFileWatcher {
  /** The rules currently in force. */
  readonly rules: AlertRule[];
  close(): void;
}

/**
 * Load the file, then reload it on change (debounced: editors write in
 * several steps). The directory is watched, not the file, so editors that
 * save by rename and files created later are seen. `onChange` is called once
 * with the initial load and after each reload that added, changed or removed
 * rules or found errors.
 */
export async function watchRuleFile(
  file: string,
  onChange: (change: RuleFileChange) => void,
  options: RuleFileOptions & { debounceMs?: number } = {},
): Promise<RuleFileWatcher> {
  let current: AlertRule[] = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let reloading = Promise.resolve();

  const reload = async () => {
    const load = await loadRuleFile(file, options);
    if (closed) return;
    if (load.errors.length > 0) {
      onChange({ rules: current, added: [], changed: [], removed: [], errors: load.errors });
      return;
    }
    const diff = diffRules(current, load.rules);
    current = load.rules;
    if (diff.added.length + diff.changed.length + diff.removed.length > 0) onChange({ ...diff, errors: [] });
  };

  await reload();
  const base = path.basename(file);
  const watcher = watch(path.dirname(file), (_event, name) => {
    if (name !== null && name !== base) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(reload).catch(() => undefined);
    }, options.debounceMs ?? 200);
  });
  return {
    get rules() {
      return current;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
