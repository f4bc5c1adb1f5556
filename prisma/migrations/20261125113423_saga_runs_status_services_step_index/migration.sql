-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SagaRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAtMs" BIGINT NOT NULL,
    "endedAtMs" BIGINT,
    "traceId" TEXT,
    "failedStep" TEXT,
    "error" TEXT,
    "services" TEXT NOT NULL DEFAULT '[]',
    "attributes" TEXT NOT NULL DEFAULT '{}',
    "updatedAtMs" BIGINT NOT NULL
);
INSERT INTO "new_SagaRun" ("attributes", "endedAtMs", "error", "id", "name", "service", "startedAtMs", "status", "traceId", "updatedAtMs") SELECT "attributes", "endedAtMs", "error", "id", "name", "service", "startedAtMs", "status", "traceId", "updatedAtMs" FROM "SagaRun";
DROP TABLE "SagaRun";
ALTER TABLE "new_SagaRun" RENAME TO "SagaRun";
CREATE INDEX "SagaRun_startedAtMs_id_idx" ON "SagaRun"("startedAtMs", "id");
CREATE INDEX "SagaRun_name_startedAtMs_id_idx" ON "SagaRun"("name", "startedAtMs", "id");
CREATE INDEX "SagaRun_status_startedAtMs_id_idx" ON "SagaRun"("status", "startedAtMs", "id");
CREATE INDEX "SagaRun_name_status_startedAtMs_id_idx" ON "SagaRun"("name", "status", "startedAtMs", "id");
CREATE TABLE "new_SagaStep" (
    "runId" TEXT NOT NULL,
    "spanId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stepIndex" INTEGER,
    "service" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "startedAtMs" BIGINT NOT NULL,
    "endedAtMs" BIGINT NOT NULL,

    PRIMARY KEY ("runId", "spanId"),
    CONSTRAINT "SagaStep_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SagaRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Edited by hand: no writer stored saga steps before this migration; should a
-- row exist anyway, the old `succeeded` becomes the spans' `completed`, and
-- rows without a span id or times (not representable any more) are dropped.
INSERT INTO "new_SagaStep" ("endedAtMs", "error", "kind", "name", "runId", "service", "spanId", "startedAtMs", "status") SELECT "endedAtMs", "error", "kind", "name", "runId", "service", "spanId", "startedAtMs", CASE "status" WHEN 'succeeded' THEN 'completed' ELSE "status" END FROM "SagaStep" WHERE "spanId" IS NOT NULL AND "startedAtMs" IS NOT NULL AND "endedAtMs" IS NOT NULL;
DROP TABLE "SagaStep";
ALTER TABLE "new_SagaStep" RENAME TO "SagaStep";
CREATE INDEX "SagaStep_service_startedAtMs_idx" ON "SagaStep"("service", "startedAtMs");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
