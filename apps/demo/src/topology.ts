/**
 * The six services of the reference incident, who calls whom, and where each
 * listens by default. One place, so the launcher, the services, the load
 * generator, docker-compose and the tests agree.
 */
export const SERVICE_NAMES = [
  'user-service',
  'order-service',
  'payment-service',
  'profile-service',
  'inventory-service',
  'email-service',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
  /** Default port on loopback (`PORT` overrides it). */
  port: number;
  /** Services it calls. */
  calls: readonly ServiceName[];
}

export const TOPOLOGY: Readonly<Record<ServiceName, ServiceSpec>> = {
  'user-service': { port: 4101, calls: ['profile-service', 'order-service'] },
  'order-service': { port: 4102, calls: ['inventory-service', 'payment-service', 'email-service'] },
  'payment-service': { port: 4103, calls: ['email-service'] },
  'profile-service': { port: 4104, calls: [] },
  'inventory-service': { port: 4105, calls: [] },
  'email-service': { port: 4106, calls: [] },
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** `order-service` → `ORDER_SERVICE_URL`: the variable holding that service's base URL. */
export function urlVariable(name: ServiceName): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

export function defaultUrl(name: ServiceName, host = '127.0.0.1'): string {
  return `http://${host}:${TOPOLOGY[name].port}`;
}
