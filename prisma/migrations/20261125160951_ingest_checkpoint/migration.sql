-- CreateTable
CREATE TABLE "IngestCheckpoint" (
    "journalId" TEXT NOT NULL PRIMARY KEY,
    "segment" INTEGER NOT NULL,
    "updatedAtMs" BIGINT NOT NULL
);
