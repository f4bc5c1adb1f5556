-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAtMs" BIGINT NOT NULL,
    "acquiredAtMs" BIGINT NOT NULL
);
