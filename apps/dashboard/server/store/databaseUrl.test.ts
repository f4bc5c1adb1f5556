import { describe, expect, it } from 'vitest';
import { sqliteFilePath } from './databaseUrl';

describe('sqliteFilePath', () => {
  it('resolves relative file URLs against the working directory', () => {
    expect(sqliteFilePath('file:./data/faultline.db', '/srv/app')).toBe('/srv/app/data/faultline.db');
    expect(sqliteFilePath('file:faultline.db', '/srv/app')).toBe('/srv/app/faultline.db');
  });

  it('keeps absolute paths and accepts the file:/// form', () => {
    expect(sqliteFilePath('file:/var/lib/f.db', '/srv')).toBe('/var/lib/f.db');
    expect(sqliteFilePath('file:///var/lib/f.db', '/srv')).toBe('/var/lib/f.db');
  });

  it('ignores query parameters and decodes escapes', () => {
    expect(sqliteFilePath('file:./my%20data/f.db?connection_limit=1', '/srv')).toBe('/srv/my data/f.db');
  });

  it('rejects other schemes and in-memory databases', () => {
    expect(() => sqliteFilePath('postgresql://localhost/db')).toThrow(/SQLite file URL/);
    expect(() => sqliteFilePath('file::memory:')).toThrow(/name a file/);
    expect(() => sqliteFilePath('file:')).toThrow(/name a file/);
  });
});
