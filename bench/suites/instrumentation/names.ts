/** Contestant names, used as table rows and to look measurements up for the target checks. */
export const NAMES = {
  bare: 'bare async call',
  opossum: 'opossum (timeout: false)',
  opossumTimeout: 'opossum (timeout 1000 ms)',
  cockatielBreaker: 'cockatiel breaker',
  cockatielBulkheadBreaker: 'cockatiel bulkhead+breaker',
  cockatielBulkheadBreakerTimeout: 'cockatiel bulkhead+breaker+timeout',
  cockatielTimeout: 'cockatiel timeout (abortOnReturn: false)',
  cockatielTimeoutDefault: 'cockatiel timeout (abortOnReturn: true, default)',
  faultlineBreaker: 'faultline breaker',
  faultlineTimeout: 'faultline timeout',
  faultlineNoTelemetry: 'faultline bulkhead+breaker+timeout · no telemetry',
  faultlineFull: 'faultline bulkhead+breaker+timeout · metrics · spans unsampled (parent unsampled)',
  faultlineFullRoot: 'faultline bulkhead+breaker+timeout · metrics · spans unsampled (root, AlwaysOff)',
  faultlineFullSampled: 'faultline bulkhead+breaker+timeout · metrics · spans sampled',
} as const;
