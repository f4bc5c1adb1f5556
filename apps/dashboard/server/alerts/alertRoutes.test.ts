import { describe, expect, it } from 'vitest';
import { AlertEngine } from './alertEngine';
import { createAlertRoutes } from './alertRoutes';
import { MemoryInstanceRepository, MemoryRuleRepository, MemorySilenceRepository } from './memoryAlertRepository';
import { edge, rule, snapshot } from './testSnapshots';

const T0 = 1_767_225_600_000;

async function setup(adminToken: string | null = 'sekret') {
  const rules = new MemoryRuleRepository();
  const instances = new MemoryInstanceRepository();
  const silences = new MemorySilenceRepository();
  const engine = new AlertEngine({
    rules,
    instances,
    silences,
    notify: () => {},
    clock: { now: () => T0 },
    externalUrl: 'http://x',
  });
  await engine.start();
  const snap = snapshot({ edges: [edge('order', 'payment', { breaker: { name: 'cb', state: 'open' } })] });
  let n = 0;
  const routes = createAlertRoutes({
    engine,
    rules,
    instances,
    silences,
    adminToken,
    webhookPolicy: { allowedHosts: null },
    snapshot: () => snap,
    now: () => T0,
    newId: () => `id${++n}`,
  });
  return { routes, rules, engine, snap };
}

const auth = { authorization: 'Bearer sekret' };
const body = { name: 'payment open', kind: 'breaker_open', selector: { dependency: 'payment' } };

describe('alert routes', () => {
  it('creates, reads, updates and deletes rules', async () => {
    const { routes } = await setup();
    const created = await routes.createRule({ body, params: {}, headers: auth });
    expect(created).toMatchObject({ status: 201, body: { id: 'id1', source: 'api', name: 'payment open' } });
    expect((await routes.listRules({ params: {}, headers: {} })).body).toHaveLength(1);
    const updated = await routes.updateRule({
      body: { ...body, forSeconds: 60 },
      params: { id: 'id1' },
      headers: auth,
    });
    expect(updated).toMatchObject({ status: 200, body: { id: 'id1', forSeconds: 60 } });
    expect((await routes.getRule({ params: { id: 'id1' }, headers: {} })).status).toBe(200);
    expect((await routes.deleteRule({ params: { id: 'id1' }, headers: auth })).status).toBe(204);
    expect((await routes.getRule({ params: { id: 'id1' }, headers: {} })).status).toBe(404);
  });

  it('answers 400 naming the field', async () => {
    const { routes } = await setup();
    const res = await routes.createRule({ body: { ...body, kind: 'edge_error_rate' }, params: {}, headers: auth });
    expect(res).toEqual({
      status: 400,
      body: {
        error: 'invalid alert rule',
        errors: [{ field: 'threshold', message: 'is required for kind edge_error_rate' }],
      },
    });
  });

  it('requires the admin token for writes when configured', async () => {
    const { routes } = await setup();
    expect((await routes.createRule({ body, params: {}, headers: {} })).status).toBe(401);
    expect((await routes.createRule({ body, params: {}, headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    const open = await setup(null);
    expect((await open.routes.createRule({ body, params: {}, headers: {} })).status).toBe(201);
  });

  it('refuses to edit or delete file rules', async () => {
    const { routes, rules } = await setup();
    await rules.replaceFileRules([{ ...rule(body), id: 'file:x', source: 'file' }]);
    expect((await routes.updateRule({ body, params: { id: 'file:x' }, headers: auth })).status).toBe(409);
    expect((await routes.deleteRule({ params: { id: 'file:x' }, headers: auth })).status).toBe(409);
  });

  it('previews, lists alerts and creates silences', async () => {
    const { routes, engine, snap } = await setup();
    const preview = await routes.previewRule({ body, params: {}, headers: {} });
    expect(preview).toMatchObject({ status: 200, body: { matched: 1 } });
    await routes.createRule({ body, params: {}, headers: auth });
    engine.tick(snap);
    await engine.flush();
    const alerts = await routes.listAlerts({ params: {}, headers: {}, query: new URLSearchParams() });
    expect(alerts.body).toMatchObject({ active: [{ state: 'firing', silencedBy: null }], history: [{ to: 'firing' }] });
    const silence = await routes.createSilence({
      body: { matchers: [{ name: 'dependency', value: 'payment' }], durationSeconds: 600 },
      params: {},
      headers: auth,
    });
    expect(silence.status).toBe(201);
    expect(engine.alerts()[0]!.silencedBy).toBe((silence.body as { id: string }).id);
    const bad = await routes.createSilence({ body: { matchers: [] }, params: {}, headers: auth });
    expect(bad.status).toBe(400);
  });
});
