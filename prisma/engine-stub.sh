#!/bin/sh
# Stand-in for Prisma's native schema engine, which the CLI downloads from
# binaries.prisma.sh before `prisma generate`. Generation runs in WebAssembly
# and never calls this file; it only has to exist and be executable, so the
# CLI skips the download (PRISMA_SCHEMA_ENGINE_BINARY). Migrations use
# @prisma/schema-engine-wasm instead (apps/dashboard/server/store/migrate.ts).
echo "faultline: native schema engine not installed; use npm run db:migrate (WebAssembly engine)" >&2
exit 1
