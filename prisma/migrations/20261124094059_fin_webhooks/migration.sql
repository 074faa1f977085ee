-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "finWebhookSecretEncrypted" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "finWebhookUrl" TEXT;

-- CreateTable
CREATE TABLE "FinAgentConversation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "externalId" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'thinking',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FinAgentConversation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FinAgentConversation_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "FinAgentConversation_conversationId_key" ON "FinAgentConversation"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "FinAgentConversation_workspaceId_externalId_key" ON "FinAgentConversation"("workspaceId", "externalId");
