import type { Mode, ServiceConfig } from '../config.js';
import type { DependencyClient } from '../dependencyClient.js';
import type { ServiceName } from '../topology.js';

/** What a service's routes get: its configuration, the current mode and a client per dependency. */
export interface ServiceContext {
  config: ServiceConfig;
  mode(): Mode;
  client(dependency: ServiceName): DependencyClient;
}
