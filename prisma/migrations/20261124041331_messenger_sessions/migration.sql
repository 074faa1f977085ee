-- AlterTable
ALTER TABLE "Contact" ADD COLUMN "anonymousId" TEXT;

-- CreateTable
CREATE TABLE "MessengerSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "identityVerified" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "MessengerSession_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MessengerSession_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "MessengerSession_contactId_idx" ON "MessengerSession"("contactId");

-- CreateIndex
CREATE INDEX "MessengerSession_expiresAt_idx" ON "MessengerSession"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_workspaceId_anonymousId_key" ON "Contact"("workspaceId", "anonymousId");
