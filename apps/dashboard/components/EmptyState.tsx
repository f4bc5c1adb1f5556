/** What an empty dashboard shows instead of a blank map: how to send it data. */
export function EmptyState({ origin }: { origin: string }) {
  const endpoint = origin || 'http://127.0.0.1:3000';
  return (
    <section className="empty-state" aria-labelledby="empty-title" data-testid="empty-state">
      <h2 id="empty-title">No services have reported yet</h2>
      <p>Faultline draws the map from the telemetry your services send. Add two lines at the start of each service:</p>
      <pre>
        <code>{`import { startTelemetry } from '@faultline/instrumentation/setup';
startTelemetry({ serviceName: 'order-service', endpoint: '${endpoint}' });`}</code>
      </pre>
      <p>
        Then wrap calls to dependencies in <code>circuitBreaker(…)</code>, <code>bulkhead(…)</code>,{' '}
        <code>retry(…)</code> or <code>compose(…)</code> from <code>@faultline/instrumentation</code>.
      </p>
      <p>
        Already using OpenTelemetry? Point any OTel SDK or Collector&apos;s OTLP/HTTP exporter at this dashboard (JSON
        or protobuf, gzip welcome):
      </p>
      <pre>
        <code>{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${endpoint}/v1/traces
OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=${endpoint}/v1/metrics
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`}</code>
      </pre>
      <p className="muted">
        Client spans with <code>peer.service</code> become edges; the map appears as soon as the first export arrives.
      </p>
    </section>
  );
}
