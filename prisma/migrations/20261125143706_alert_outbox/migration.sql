-- CreateTable
CREATE TABLE "AlertOutbox" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAtMs" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "AlertOutbox_createdAtMs_idx" ON "AlertOutbox"("createdAtMs");
