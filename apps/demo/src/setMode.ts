/**
 * Switch the running demo services' mode:
 *   node --conditions=source --import tsx apps/demo/src/setMode.ts unprotected
 * Service URLs come from USER_SERVICE_URL, … (defaults: the topology's ports on 127.0.0.1).
 */
import { DemoConfigError, parseMode, serviceUrls } from './config.js';
import { setMode } from './processes.js';

const arg = process.argv[2];
try {
  if (arg === undefined) throw new DemoConfigError('usage: setMode.ts protected|unprotected');
  const mode = parseMode(arg, 'mode');
  await setMode(serviceUrls(process.env), mode);
  console.log(`every service is now ${mode}`);
} catch (error) {
  console.error(error instanceof DemoConfigError ? error.message : String(error));
  process.exit(1);
}
