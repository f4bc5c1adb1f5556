/**
 * Expands the configurable trace link (`/api/config` traceUrlTemplate) for
 * Jaeger, Tempo or anything that takes the service, the peer or a trace id in
 * its URL. Values are URL-encoded. A template that needs a value we do not have
 * yields null rather than a broken link.
 */
export interface TraceUrlValues {
  service?: string;
  peer?: string;
  traceId?: string;
}

const PLACEHOLDER = /\{(service|peer|traceId)\}/g;

export function expandTraceUrl(template: string | null | undefined, values: TraceUrlValues): string | null {
  if (!template) return null;
  let missing = false;
  const url = template.replace(PLACEHOLDER, (_, key: keyof TraceUrlValues) => {
    const v = values[key];
    if (v === undefined || v === '') {
      missing = true;
      return '';
    }
    return encodeURIComponent(v);
  });
  if (missing) return null;
  return /^https?:\/\//i.test(url) || url.startsWith('/') ? url : null;
}
