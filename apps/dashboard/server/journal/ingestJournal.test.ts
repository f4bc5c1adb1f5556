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
  it('gives back what was appended, by segment, after the process that wrote it is gone', async () => {
    const dir = tempDir();
    const first = IngestJournal.open(dir, { warn: () => {} });
    const written = [
      first.append('traces', 'json', body('{"a":1}')),
      first.append('metrics', 'protobuf', body('\u0001\u0002')),
    ];
    expect(first.seal()).toBe(1);
    written.push(first.append('metrics', 'json', body('{"b":2}')));
    expect(written).not.toContain(false);
    await Promise.all(written);
    expect(first.sealedThrough).toBe(1);
    expect(first.bytes).toBe(3 * 20 + 7 + 2 + 7);
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
    await second.append('traces', 'json', body('{"c":3}'));
    expect(segments(dir)).toEqual(['segment-000000000001.log', 'segment-000000000002.log', 'segment-000000000003.log']);
    await second.close();
  });

  it('deletes sealed segments once released and written, and never the one being written', async () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    void journal.append('traces', 'json', body('one'));
    const sealed = journal.seal();
    const two = journal.append('traces', 'json', body('two'));
    await journal.sealedWritten();
    journal.release(sealed);
    await expect.poll(() => segments(dir)).toEqual(['segment-000000000002.log']); // deleted off the event loop
    journal.release(99);
    expect(segments(dir)).toEqual(['segment-000000000002.log']);
    expect(journal.bytes).toBe(20 + 3);
    await two;
    const last = journal.seal();
    await journal.sealedWritten();
    journal.release(last);
    await expect.poll(() => segments(dir)).toEqual([]);
    expect(journal.bytes).toBe(0);
    await journal.close();
  });

  it('numbers new segments above the database checkpoint', async () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    journal.startAfter(41);
    expect(journal.sealedThrough).toBe(41);
    await journal.append('traces', 'json', body('x'));
    expect(journal.seal()).toBe(42);
    expect(segments(dir)).toEqual(['segment-000000000042.log']);
    await journal.close();
  });

  it('reuses released segment files, and replays none of what an earlier use left in them', async () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    await journal.append('traces', 'json', body('a long record from the first use of the file'));
    const first = journal.seal();
    await journal.sealedWritten();
    journal.release(first);
    expect(readdirSync(dir).filter((f) => f.startsWith('spare-'))).toHaveLength(1);
    await journal.append('metrics', 'json', body('short'));
    expect(readdirSync(dir).filter((f) => f.startsWith('spare-'))).toHaveLength(0);
    expect(segments(dir)).toEqual(['segment-000000000002.log']);
    // Killed now: segment 2's file still holds the tail of segment 1's record after its own.
    const reopened = IngestJournal.open(dir, { warn: (m) => expect.fail(m) });
    expect(replayed(reopened)).toEqual([{ segment: 2, signal: 'metrics', encoding: 'json', body: 'short' }]);
    await reopened.close();
  });

  it('writes concurrent appends whole and in order, several to a write', async () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    const bodies = Array.from({ length: 200 }, (_, i) => body(`request ${i} `.repeat((i % 7) + 1)));
    await Promise.all(bodies.map((b, i) => journal.append(i % 2 ? 'traces' : 'metrics', 'json', b)));
    const reopened = IngestJournal.open(dir);
    expect(replayed(reopened).map((r) => r.body)).toEqual(bodies.map((b) => b.toString()));
    await reopened.close();
  });

  it('replays up to a record cut short by a crash mid-append, and says so', async () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    await Promise.all([
      journal.append('traces', 'json', body('kept')),
      journal.append('traces', 'json', body('torn record')),
    ]);
    const file = path.join(dir, segments(dir)[0]!);
    truncateSync(file, 20 + 4 + 20 + 5);
    const warnings: string[] = [];
    const reopened = IngestJournal.open(dir, { warn: (m) => warnings.push(m) });
    expect(replayed(reopened).map((r) => r.body)).toEqual(['kept']);
    expect(warnings).toEqual([expect.stringMatching(/replay stopped at a partial record at byte 24/)]);
    await reopened.close();
  });

  it('stops at a record whose header changed on disk', async () => {
    const dir = tempDir();
    const journal = IngestJournal.open(dir);
    await Promise.all([
      journal.append('metrics', 'json', body('first')),
      journal.append('metrics', 'json', body('second')),
    ]);
    const file = path.join(dir, segments(dir)[0]!);
    const bytes = readFileSync(file);
    bytes[20 + 5 + 4] = 2; // the second record's length: 6 → 2
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const reopened = IngestJournal.open(dir, { warn: (m) => warnings.push(m) });
    expect(replayed(reopened).map((r) => r.body)).toEqual(['first']);
    expect(warnings[0]).toMatch(/header checksum mismatch at byte 25/);
    await reopened.close();
  });

  it('refuses appends beyond its size limit instead of growing without bound', async () => {
    const journal = IngestJournal.open(tempDir(), { maxBytes: 100 });
    expect(journal.append('traces', 'json', Buffer.alloc(60))).toBeInstanceOf(Promise);
    expect(journal.append('traces', 'json', Buffer.alloc(60))).toBe(false);
    const sealed = journal.seal();
    await journal.sealedWritten();
    journal.release(sealed);
    expect(journal.append('traces', 'json', Buffer.alloc(60))).toBeInstanceOf(Promise);
    await journal.close();
  });

  it('belongs to one live process at a time', async () => {
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
    await journal.close();
    expect(readdirSync(dir)).not.toContain('LOCK');
  });
});
