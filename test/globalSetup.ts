import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Browser tests need the Next.js production build and every server test the
 * generated Prisma client: build whatever is missing or stale once, before
 * any test file starts a dashboard (the same step `npm start` runs).
 */
export default function setup(): void {
  // For quick runs of server-only tests while the UI is mid-edit.
  if (process.env.FAULTLINE_SKIP_UI_BUILD === '1') return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/ensureBuilt.ts'], {
    cwd: path.join(root, 'apps/dashboard'),
    stdio: 'inherit',
  });
}
