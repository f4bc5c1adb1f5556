-- CreateTable
CREATE TABLE "IngestCheckpoint" (
    "journalId" TEXT NOT NULL,
    "segment" INTEGER NOT NULL,
    "updatedAtMs" BIGINT NOT NULL,

    CONSTRAINT "IngestCheckpoint_pkey" PRIMARY KEY ("journalId")
);
