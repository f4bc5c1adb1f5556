import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactDatabaseUrl, sqliteFilePath } from './databaseUrl';

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
    expect(() => parseDatabaseUrl('mysql://u:secret@db/faultline')).toThrow(
      /file:\.\/data\/faultline\.db or a PostgreSQL URL like postgresql:\/\/.*got "mysql:\/\/u:\*\*\*@db\/faultline"/,
    );
    expect(() => sqliteFilePath('file::memory:')).toThrow(/name a file/);
    expect(() => sqliteFilePath('file:')).toThrow(/name a file/);
  });
});

describe('parseDatabaseUrl', () => {
  it('picks the engine from the scheme', () => {
    expect(parseDatabaseUrl('file:./f.db', '/srv')).toEqual({ provider: 'sqlite', file: '/srv/f.db' });
    for (const url of ['postgresql://u:p@db:5432/faultline', 'postgres://db/faultline?sslmode=require']) {
      expect(parseDatabaseUrl(url)).toEqual({ provider: 'postgresql', url });
    }
  });

  it('masks passwords in what it prints', () => {
    expect(redactDatabaseUrl('postgresql://u:s3cr%40t@db:5432/x')).toBe('postgresql://u:***@db:5432/x');
    expect(redactDatabaseUrl('postgresql://db/x')).toBe('postgresql://db/x');
  });
});
