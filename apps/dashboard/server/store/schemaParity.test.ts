import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIRS, SCHEMA_PATHS } from './schemaEngine';

/**
 * prisma/schema.prisma (SQLite) and prisma/postgresql/schema.prisma declare
 * the same models, so one repository code serves both generated clients.
 * Only the header (comments, generator output, datasource provider) may differ.
 */
function models(file: string): string {
  const text = readFileSync(file, 'utf8');
  const first = text.search(/^(\/\/\/[^\n]*\n)*model /m);
  return text.slice(first).trim();
}

function block(file: string, kind: 'generator' | 'datasource'): string {
  return readFileSync(file, 'utf8').match(new RegExp(`^${kind} \\w+ \\{[^}]*\\}`, 'm'))?.[0] ?? '';
}

describe('the SQLite and PostgreSQL schemas', () => {
  it('declare identical models, character for character', () => {
    const sqlite = models(SCHEMA_PATHS.sqlite);
    expect(sqlite).toMatch(/^\/\/\/ .*\nmodel EdgeRollup/);
    expect(models(SCHEMA_PATHS.postgresql)).toBe(sqlite);
  });

  it('differ only in provider and generated client folder', () => {
    expect(block(SCHEMA_PATHS.sqlite, 'datasource')).toMatch(/provider = "sqlite"/);
    expect(block(SCHEMA_PATHS.postgresql, 'datasource')).toMatch(/provider = "postgresql"/);
    const generator = (file: string) => block(file, 'generator').replace(/output\s*=\s*"[^"]*"/, 'output = …');
    expect(generator(SCHEMA_PATHS.postgresql)).toBe(generator(SCHEMA_PATHS.sqlite));
    expect(block(SCHEMA_PATHS.postgresql, 'generator')).toContain('generated/prisma-postgresql');
  });

  it('each have a migration history with the lock file of their provider', () => {
    for (const [provider, dir] of Object.entries(MIGRATIONS_DIRS)) {
      expect(readFileSync(path.join(dir, 'migration_lock.toml'), 'utf8')).toContain(`provider = "${provider}"`);
    }
  });
});
