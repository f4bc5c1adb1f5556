import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma 7 reads the datasource URL from here, not from schema.prisma.
// Paths are relative to this file, so the CLI works from any directory:
// `prisma <command> --config prisma/prisma.config.ts`.
const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  schema: path.join(root, 'schema.prisma'),
  migrations: { path: path.join(root, 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'file:./data/faultline.db' },
});
