import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ApplyBatch, type CheckpointStore, DurableIngest, SAGA_HOLD_LIMIT_MS } from './durableIngest';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'faultline-durable-'));
const segments = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('segment-')).length;

/** A store whose committed checkpoint the test sets by hand. */
class FakeStore implements CheckpointStore {
  committed = 0;
  async readCheckpoint(): Promise<number> {
    return this.committed;
  }
  committedSegment(): number {
    return this.committed;
  }
}

const traces = (name: string) =>
  Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'order-service' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name,
                  kind: 3,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000005000000',
                },
              ],
            },
          ],
        },
      ],
    }),
  );
const metrics = Buffer.from(JSON.stringify({ resourceMetrics: [] }));

describe('DurableIngest', () => {
  it('replays what the rollups lack into the model, and spans the rollups hold into sagas only', async () => {
    const dir = tempDir();
    const store = new FakeStore();
    const first = await DurableIngest.open(dir, store, () => {});
    const written = [
      first.append('traces', 'json', traces('committed span')),
      first.append('metrics', 'json', metrics),
    ];
    store.committed = first.sealForDrain().segment; // the store committed the rows of segment 1
    written.push(first.append('traces', 'json', traces('lost span')), first.append('metrics', 'json', metrics));
    await Promise.all(written);
    // Killed here, once the requests were acknowledged: nothing sealed or released.

    const applied: string[] = [];
    const apply: ApplyBatch = (signal, batch, rollups) => {
      const name = 'spans' in batch ? (batch.spans[0]?.name ?? '') : '';
      applied.push(`${signal}${name ? ` ${name}` : ''} → ${rollups ? 'model+sagas' : 'sagas'}`);
    };
    const second = await DurableIngest.open(dir, store, apply, () => {});
    expect(applied).toEqual([
      'traces committed span → sagas',
      'traces lost span → model+sagas',
      'metrics → model+sagas',
    ]);
    expect(second.replay).toEqual({ replayed: 2, sagasOnly: 1, undecodable: 0 });
  });

  it('deletes a segment only once both the rollups and the saga runs hold it', async () => {
    const dir = tempDir();
    const store = new FakeStore();
    const durable = await DurableIngest.open(dir, store, () => {});
    await durable.append('traces', 'json', traces('a'));
    const checkpoint = durable.sealForDrain();
    await durable.close(); // waits for the sealed segment's file to close, releases nothing yet
    expect(segments(dir)).toBe(1);
    const reopened = await DurableIngest.open(
      dir,
      store,
      () => {},
      () => {},
    );
    reopened.releaseDurable();
    expect(segments(dir)).toBe(1); // neither holds it yet
    store.committed = checkpoint.segment;
    reopened.releaseDurable();
    expect(segments(dir)).toBe(1); // the saga runs are not written yet
    const sagasWritten = reopened.sagaTickStarting();
    sagasWritten();
    reopened.releaseDurable();
    await expect.poll(() => segments(dir)).toBe(0); // deleted off the event loop
    expect(reopened.bytes).toBe(0);
    await reopened.close();
  });

  it('stops waiting for saga runs that cannot be written, so ingest is never refused for them', async () => {
    const dir = tempDir();
    const store = new FakeStore();
    let now = 0;
    const warnings: string[] = [];
    const durable = await DurableIngest.open(
      dir,
      store,
      () => {},
      (m) => warnings.push(m),
      () => now,
    );
    await durable.append('traces', 'json', traces('a'));
    store.committed = durable.sealForDrain().segment;
    await durable.close();
    const reopened = await DurableIngest.open(
      dir,
      store,
      () => {},
      (m) => warnings.push(m),
      () => now,
    );
    now += SAGA_HOLD_LIMIT_MS;
    reopened.releaseDurable();
    expect(segments(dir)).toBe(1);
    now += 1;
    reopened.releaseDurable();
    await expect.poll(() => segments(dir)).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/saga runs have not been written for 5 min/)]);
    await reopened.close();
  });

  it('skips a record it can no longer apply instead of refusing to start', async () => {
    const dir = tempDir();
    const store = new FakeStore();
    const first = await DurableIngest.open(dir, store, () => {});
    await first.append('traces', 'json', Buffer.from('{"resourceSpans": "not a list"}'));
    await first.append('traces', 'json', traces('fine'));
    const warnings: string[] = [];
    const applied: string[] = [];
    const second = await DurableIngest.open(
      dir,
      store,
      (_s, batch) => applied.push(String('spans' in batch)),
      (m) => warnings.push(m),
    );
    expect(applied).toEqual(['true']);
    expect(second.replay.undecodable).toBe(1);
    expect(warnings[0]).toMatch(/no longer decodes/);
  });
});
