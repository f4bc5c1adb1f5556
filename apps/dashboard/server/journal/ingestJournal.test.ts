import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngestJournal } from './ingestJournal';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'faultline-journal-'));
const body = (text: string) => Buffer.from(text);
const segments = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('segment-'))
    .sort();

function replayed(journal: IngestJournal) {
  return [...journal.replay()].map((r) => ({
    segment: r.segment,
    signal: r.signal,
    encoding: r.encoding,
    body: r.body.toString(),
  }));
}

describe('IngestJournal', () => {
  it('gives back what was appended, by segment, after the process that wrote it is gone', () => {
    const dir = tempDir();
    const first = IngestJournal.open(dir, { warn: () => {} });
    expect(first.append('traces', 'json', body('{"a":1}'))).toBe(true);
    expect(first.append('metrics', 'protobuf', body('\u0001\u0002'))).toBe(true);
    expect(first.seal()).toBe(1);
    expect(first.append('metrics', 'json', body('{"b":2}'))).toBe(true);
    expect(first.sealedThrough).toBe(1);
    expect(first.bytes).toBe(3 * 16 + 7 + 2 + 7);
    // No close(): a killed process does not get to seal or unlock.
    const second = IngestJournal.open(dir, { warn: () => {} });
    expect(second.id).toBe(first.id);
    expect(second.sealedThrough).toBe(2);
    expect(replayed(second)).toEqual([
      { segment: 1, signal: 'traces', encoding: 'json', body: '{"a":1}' },
      { segment: 1, signal: 'metrics', encoding: 'protobuf', body: '\u0001\u0002' },
      { segment: 2, signal: 'metrics', encoding: 'json', body: '{"b":2}' },
    ]);
    // New appends go to a new segment, never into one that may end torn.
    second.append('traces', 'json', body('{"c":3}'));
    expect(segments(dir)).toEqual(['segment-000000000001.log', 'segment-000000000002.log', 'segment-000000000003.log']);
    second.close();
  });

  it('deletes sealed segments once released, and never the one being written', () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    journal.append('traces', 'json', body('one'));
    const sealed = journal.seal();
    journal.append('traces', 'json', body('two'));
    journal.release(sealed);
    expect(segments(dir)).toEqual(['segment-000000000002.log']);
    journal.release(99);
    expect(segments(dir)).toEqual(['segment-000000000002.log']);
    expect(journal.bytes).toBe(16 + 3);
    journal.release(journal.seal());
    expect(segments(dir)).toEqual([]);
    expect(journal.bytes).toBe(0);
    journal.close();
  });

  it('numbers new segments above the database checkpoint', () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    journal.startAfter(41);
    expect(journal.sealedThrough).toBe(41);
    journal.append('traces', 'json', body('x'));
    expect(journal.seal()).toBe(42);
    expect(segments(dir)).toEqual(['segment-000000000042.log']);
    journal.close();
  });

  it('replays up to a record cut short by a crash mid-append, and says so', () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    journal.append('traces', 'json', body('kept'));
    journal.append('traces', 'json', body('torn record'));
    const file = path.join(dir, segments(dir)[0]!);
    truncateSync(file, 16 + 4 + 16 + 5);
    const warnings: string[] = [];
    const reopened = IngestJournal.open(dir, { warn: (m) => warnings.push(m) });
    expect(replayed(reopened).map((r) => r.body)).toEqual(['kept']);
    expect(warnings).toEqual([expect.stringMatching(/replay stopped at a partial record at byte 20/)]);
    reopened.close();
  });

  it('stops at a record whose bytes changed on disk', () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    journal.append('metrics', 'json', body('first'));
    journal.append('metrics', 'json', body('second'));
    const file = path.join(dir, segments(dir)[0]!);
    const bytes = readFileSync(file);
    bytes[16 + 5 + 16] = 0x58; // first byte of the second body
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const reopened = IngestJournal.open(dir, { warn: (m) => warnings.push(m) });
    expect(replayed(reopened).map((r) => r.body)).toEqual(['first']);
    expect(warnings[0]).toMatch(/checksum mismatch at byte 21/);
    reopened.close();
  });

  it('refuses appends beyond its size limit instead of growing without bound', () => {
    const journal = IngestJournal.open(tempDir(), { maxBytes: 100 });
    expect(journal.append('traces', 'json', Buffer.alloc(60))).toBe(true);
    expect(journal.append('traces', 'json', Buffer.alloc(60))).toBe(false);
    journal.release(journal.seal());
    expect(journal.append('traces', 'json', Buffer.alloc(60))).toBe(true);
    journal.close();
  });

  it('belongs to one live process at a time', () => {
    const dir = tempDir();
    // The test runner's parent process is alive and is not this one.
    writeFileSync(path.join(dir, 'LOCK'), `${process.ppid}\n`);
    expect(() => IngestJournal.open(dir)).toThrow(
      /in use by process \d+; give each dashboard process its own FAULTLINE_JOURNAL_DIR/,
    );
    // A lock left by a process that is gone is taken over.
    writeFileSync(path.join(dir, 'LOCK'), '999999999\n');
    const journal = IngestJournal.open(dir);
    expect(readFileSync(path.join(dir, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    journal.close();
    expect(readdirSync(dir)).not.toContain('LOCK');
  });
});
