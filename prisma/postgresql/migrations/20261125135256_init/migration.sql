-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "EdgeRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "outcomes" TEXT NOT NULL,
    "latencyCounts" TEXT NOT NULL,
    "latencySumMs" DOUBLE PRECISION NOT NULL,
    "retryAttempts" INTEGER NOT NULL,
    "inflightMax" DOUBLE PRECISION,
    "inflightLast" DOUBLE PRECISION,

    CONSTRAINT "EdgeRollup_pkey" PRIMARY KEY ("bucketStartMs","source","target")
);

-- CreateTable
CREATE TABLE "BreakerRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dependency" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "failureRate" DOUBLE PRECISION,
    "slowCallRate" DOUBLE PRECISION,

    CONSTRAINT "BreakerRollup_pkey" PRIMARY KEY ("bucketStartMs","service","name")
);

-- CreateTable
CREATE TABLE "BreakerTransition" (
    "id" SERIAL NOT NULL,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dependency" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "atMs" BIGINT NOT NULL,

    CONSTRAINT "BreakerTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkheadRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dependency" TEXT NOT NULL,
    "activeLast" DOUBLE PRECISION NOT NULL,
    "activeMax" DOUBLE PRECISION NOT NULL,
    "limit" DOUBLE PRECISION,
    "queuedLast" DOUBLE PRECISION NOT NULL,
    "queuedMax" DOUBLE PRECISION NOT NULL,
    "queueLimit" DOUBLE PRECISION,
    "rejections" INTEGER NOT NULL,
    "saturatedMs" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "BulkheadRollup_pkey" PRIMARY KEY ("bucketStartMs","service","name")
);

-- CreateTable
CREATE TABLE "ServiceRollup" (
    "bucketStartMs" BIGINT NOT NULL,
    "service" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "activeRequests" DOUBLE PRECISION,
    "eventLoopUtilization" DOUBLE PRECISION,
    "eventLoopDelayP99Ms" DOUBLE PRECISION,

    CONSTRAINT "ServiceRollup_pkey" PRIMARY KEY ("bucketStartMs","service")
);

-- CreateTable
CREATE TABLE "SagaRun" (
    "id" TEXT NOT NULL,
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
    "updatedAtMs" BIGINT NOT NULL,

    CONSTRAINT "SagaRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SagaStep" (
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

    CONSTRAINT "SagaStep_pkey" PRIMARY KEY ("runId","spanId")
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" TEXT NOT NULL,
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
    "updatedAtMs" BIGINT NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertInstance" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "labels" TEXT NOT NULL,
    "annotations" TEXT NOT NULL DEFAULT '{}',
    "value" DOUBLE PRECISION,
    "activeAtMs" BIGINT NOT NULL,
    "firedAtMs" BIGINT,
    "resolvedAtMs" BIGINT,
    "lastEvalMs" BIGINT NOT NULL,
    "lastNotifiedMs" BIGINT,

    CONSTRAINT "AlertInstance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertHistory" (
    "id" SERIAL NOT NULL,
    "ruleId" TEXT NOT NULL,
    "ruleName" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "atMs" BIGINT NOT NULL,
    "value" DOUBLE PRECISION,
    "labels" TEXT NOT NULL,
    "annotations" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "AlertHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Silence" (
    "id" TEXT NOT NULL,
    "matchers" TEXT NOT NULL,
    "startsAtMs" BIGINT NOT NULL,
    "endsAtMs" BIGINT NOT NULL,
    "createdBy" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAtMs" BIGINT NOT NULL,

    CONSTRAINT "Silence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAtMs" BIGINT NOT NULL,
    "acquiredAtMs" BIGINT NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
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
CREATE INDEX "SagaRun_startedAtMs_id_idx" ON "SagaRun"("startedAtMs", "id");

-- CreateIndex
CREATE INDEX "SagaRun_name_startedAtMs_id_idx" ON "SagaRun"("name", "startedAtMs", "id");

-- CreateIndex
CREATE INDEX "SagaRun_status_startedAtMs_id_idx" ON "SagaRun"("status", "startedAtMs", "id");

-- CreateIndex
CREATE INDEX "SagaRun_name_status_startedAtMs_id_idx" ON "SagaRun"("name", "status", "startedAtMs", "id");

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

-- AddForeignKey
ALTER TABLE "SagaStep" ADD CONSTRAINT "SagaStep_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SagaRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertInstance" ADD CONSTRAINT "AlertInstance_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
