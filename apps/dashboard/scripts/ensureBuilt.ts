/**
 * `npm start` builds what is missing before serving: the Prisma client and the
 * Next.js production build. A fresh clone needs both; a second start needs
 * neither, so this only builds when outputs are absent or older than sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function run(script: string): void {
  console.log(`[faultline] npm run ${script}`);
  execFileSync(npm, ['run', script], { cwd: appDir, stdio: 'inherit' });
}

// Both clients: SQLite (generated/prisma) and PostgreSQL (generated/prisma-postgresql).
if (
  !existsSync(path.join(appDir, 'generated/prisma')) ||
  !existsSync(path.join(appDir, 'generated/prisma-postgresql'))
) {
  run('generate');
}

const buildId = path.join(appDir, '.next/BUILD_ID');
const sources = Math.max(
  newestMtime(path.join(appDir, 'app')),
  newestMtime(path.join(appDir, 'components')),
  newestMtime(path.join(appDir, 'lib')),
);
if (process.env.FAULTLINE_UI !== 'false' && (!existsSync(buildId) || statSync(buildId).mtimeMs < sources)) {
  run('build');
}
