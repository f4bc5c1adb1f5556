import type { Check, Table } from './suite.js';

/** Left-align the first column, right-align the numbers. */
export function renderTable(table: Table): string {
  if (table.columns.length === 0)
    return [`## ${table.title}`, ...(table.notes ?? []).map((n) => `  · ${n}`)].join('\n');
  const widths = table.columns.map((column, i) =>
    Math.max(column.length, ...table.rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out = [`## ${table.title}`, '', line(table.columns), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const row of table.rows) out.push(line(row));
  for (const note of table.notes ?? []) out.push(`  · ${note}`);
  return out.join('\n');
}

export function renderChecks(checks: readonly Check[]): string {
  return renderTable({
    title: 'Targets',
    columns: ['target', 'measured', 'status'],
    rows: checks.map((check) => [
      check.target,
      check.measured,
      check.met === 'reported' ? 'reported' : check.met === null ? 'not measured' : check.met ? 'met' : 'MISSED',
    ]),
  });
}
