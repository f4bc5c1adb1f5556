import { evaluate } from './evaluator';
import { type AlertRule, validateRule } from './ruleSchema';
import { bulkhead, edge, snapshot } from './testSnapshots';

/**
 * Timing of one evaluation tick at the target scale (1 000 rules over
 * 2 000 edges and 500 bulkheads, target < 50 ms). Not a test: run with
 * `node --import tsx apps/dashboard/server/alerts/evaluatorTiming.ts`;
 * the maintained benchmark belongs in bench/.
 */
const services = 200;
const edges = Array.from({ length: 2000 }, (_, i) =>
  edge(`svc-${i % services}`, `dep-${i}`, {
    errorRate: i % 50 === 0 ? 0.6 : 0.01,
    p99Ms: i % 40 === 0 ? 3000 : 50,
    breaker: { name: `cb-${i}`, state: i % 100 === 0 ? 'open' : 'closed' },
  }),
);
const bulkheads = Array.from({ length: 500 }, (_, i) =>
  bulkhead(`svc-${i % services}`, `dep-${i}`, { saturation: i % 25 === 0 ? 1 : 0.3, rejectionsPerSec: i % 30 }),
);
const snap = snapshot({ edges, bulkheads });
const kinds = ['breaker_open', 'edge_error_rate', 'edge_latency_p99', 'bulkhead_saturation', 'bulkhead_rejections'];
const thresholds: Record<string, number | null> = {
  breaker_open: null,
  edge_error_rate: 0.5,
  edge_latency_p99: 1000,
  bulkhead_saturation: 0.9,
  bulkhead_rejections: 20,
};
const rules: AlertRule[] = Array.from({ length: 1000 }, (_, i) => {
  const kind = kinds[i % kinds.length]!;
  // Most rules name one caller; one in ten uses a glob; a few select everything.
  const selector =
    i % 100 === 0 ? {} : i % 10 === 0 ? { service: `svc-${i % 20}*` } : { service: `svc-${i % services}` };
  const r = validateRule(
    {
      name: `rule ${i}`,
      kind,
      threshold: thresholds[kind],
      selector,
      forSeconds: 30,
      annotations: { summary: '{{service}} {{valueText}}' },
    },
    { id: `r${i}` },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.rule;
});

const cold = performance.now();
let instances = evaluate(rules, snap, 0, []).instances;
const coldMs = performance.now() - cold;
const times: number[] = [];
for (let tick = 1; tick <= 50; tick++) {
  const t = performance.now();
  instances = evaluate(rules, snap, tick * 5000, instances).instances;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const firing = instances.filter((i) => i.state === 'firing').length;
console.log(
  `1000 rules × 2000 edges + 500 bulkheads: ${instances.length} instances (${firing} firing); ` +
    `first (cold) tick ${coldMs.toFixed(2)} ms; steady tick p50 ${times[25]!.toFixed(2)} ms, p95 ${times[47]!.toFixed(2)} ms, max ${times[49]!.toFixed(2)} ms`,
);
