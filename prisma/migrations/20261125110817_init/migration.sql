-- CreateTable
CREATE TABLE "EdgeRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "outcomes" TEXT NOT NULL,
    "latencyCounts" TEXT NOT NULL,
    "latencySumMs" REAL NOT NULL,
    "retryAttempts" INTEGER NOT NULL,
    "inflightMax" REAL,
    "inflightLast" REAL,

    PRIMARY KEY ("bucketStartMs", "source", "target")
);

-- CreateTable
CREATE TABLE "BreakerRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dependency" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "failureRate" REAL,
    "slowCallRate" REAL,

    PRIMARY KEY ("bucketStartMs", "service", "name")
);

-- CreateTable
CREATE TABLE "BreakerTransition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dependency" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "atMs" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "BulkheadRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dependency" TEXT NOT NULL,
    "activeLast" REAL NOT NULL,
    "activeMax" REAL NOT NULL,
    "limit" REAL,
    "queuedLast" REAL NOT NULL,
    "queuedMax" REAL NOT NULL,
    "queueLimit" REAL,
    "rejections" INTEGER NOT NULL,
    "saturatedMs" REAL NOT NULL,

    PRIMARY KEY ("bucketStartMs", "service", "name")
);

-- CreateTable
CREATE TABLE "ServiceRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "service" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "activeRequests" REAL,
    "eventLoopUtilization" REAL,
    "eventLoopDelayP99Ms" REAL,

    PRIMARY KEY ("bucketStartMs", "service")
);

-- CreateTable
CREATE TABLE "SagaRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAtMs" BIGINT NOT NULL,
    "endedAtMs" BIGINT,
    "traceId" TEXT,
    "error" TEXT,
    "attributes" TEXT NOT NULL DEFAULT '{}',
    "updatedAtMs" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "SagaStep" (
    "runId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "startedAtMs" BIGINT,
    "endedAtMs" BIGINT,
    "spanId" TEXT,

    PRIMARY KEY ("runId", "seq"),
    CONSTRAINT "SagaStep_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SagaRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "severity" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "selector" TEXT NOT NULL DEFAULT '{}',
    "forMs" BIGINT NOT NULL DEFAULT 0,
    "labels" TEXT NOT NULL DEFAULT '{}',
    "annotations" TEXT NOT NULL DEFAULT '{}',
    "channels" TEXT NOT NULL DEFAULT '[]',
    "createdAtMs" BIGINT NOT NULL,
    "updatedAtMs" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "AlertInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ruleId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "labels" TEXT NOT NULL,
    "annotations" TEXT NOT NULL DEFAULT '{}',
    "value" REAL,
    "activeAtMs" BIGINT NOT NULL,
    "firedAtMs" BIGINT,
    "resolvedAtMs" BIGINT,
    "lastEvalMs" BIGINT NOT NULL,
    "lastNotifiedMs" BIGINT,
    CONSTRAINT "AlertInstance_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AlertHistory" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ruleId" TEXT NOT NULL,
    "ruleName" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "atMs" BIGINT NOT NULL,
    "value" REAL,
    "labels" TEXT NOT NULL,
    "annotations" TEXT NOT NULL DEFAULT '{}'
);

-- CreateTable
CREATE TABLE "Silence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "matchers" TEXT NOT NULL,
    "startsAtMs" BIGINT NOT NULL,
    "endsAtMs" BIGINT NOT NULL,
    "createdBy" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAtMs" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "EdgeRollup_source_target_bucketStartMs_idx" ON "EdgeRollup"("source", "target", "bucketStartMs");

-- CreateIndex
CREATE INDEX "EdgeRollup_target_bucketStartMs_idx" ON "EdgeRollup"("target", "bucketStartMs");

-- CreateIndex
CREATE INDEX "BreakerRollup_name_bucketStartMs_idx" ON "BreakerRollup"("name", "bucketStartMs");

-- CreateIndex
CREATE INDEX "BreakerRollup_service_name_bucketStartMs_idx" ON "BreakerRollup"("service", "name", "bucketStartMs");

-- CreateIndex
CREATE INDEX "BreakerTransition_name_atMs_idx" ON "BreakerTransition"("name", "atMs");

-- CreateIndex
CREATE INDEX "BreakerTransition_atMs_idx" ON "BreakerTransition"("atMs");

-- CreateIndex
CREATE UNIQUE INDEX "BreakerTransition_service_name_atMs_to_key" ON "BreakerTransition"("service", "name", "atMs", "to");

-- CreateIndex
CREATE INDEX "BulkheadRollup_service_name_bucketStartMs_idx" ON "BulkheadRollup"("service", "name", "bucketStartMs");

-- CreateIndex
CREATE INDEX "ServiceRollup_service_bucketStartMs_idx" ON "ServiceRollup"("service", "bucketStartMs");

-- CreateIndex
CREATE INDEX "SagaRun_startedAtMs_idx" ON "SagaRun"("startedAtMs");

-- CreateIndex
CREATE INDEX "SagaRun_name_startedAtMs_idx" ON "SagaRun"("name", "startedAtMs");

-- CreateIndex
CREATE INDEX "SagaRun_status_startedAtMs_idx" ON "SagaRun"("status", "startedAtMs");

-- CreateIndex
CREATE INDEX "SagaRun_name_status_startedAtMs_idx" ON "SagaRun"("name", "status", "startedAtMs");

-- CreateIndex
CREATE INDEX "SagaStep_service_startedAtMs_idx" ON "SagaStep"("service", "startedAtMs");

-- CreateIndex
CREATE INDEX "AlertRule_enabled_idx" ON "AlertRule"("enabled");

-- CreateIndex
CREATE INDEX "AlertInstance_state_activeAtMs_idx" ON "AlertInstance"("state", "activeAtMs");

-- CreateIndex
CREATE UNIQUE INDEX "AlertInstance_ruleId_fingerprint_key" ON "AlertInstance"("ruleId", "fingerprint");

-- CreateIndex
CREATE INDEX "AlertHistory_atMs_idx" ON "AlertHistory"("atMs");

-- CreateIndex
CREATE INDEX "AlertHistory_ruleId_atMs_idx" ON "AlertHistory"("ruleId", "atMs");

-- CreateIndex
CREATE INDEX "AlertHistory_fingerprint_atMs_idx" ON "AlertHistory"("fingerprint", "atMs");

-- CreateIndex
CREATE INDEX "Silence_endsAtMs_idx" ON "Silence"("endsAtMs");
