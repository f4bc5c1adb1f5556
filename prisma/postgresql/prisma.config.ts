import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The PostgreSQL twin of ../prisma.config.ts: same models, its own generated
// client and migration history. `prisma <command> --config prisma/postgresql/prisma.config.ts`.
const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  schema: path.join(root, 'schema.prisma'),
  migrations: { path: path.join(root, 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/faultline' },
});
