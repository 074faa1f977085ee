-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "finWebhookSecretEncrypted" TEXT,
ADD COLUMN     "finWebhookUrl" TEXT;

-- CreateTable
CREATE TABLE "FinAgentConversation" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "externalId" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'thinking',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FinAgentConversation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FinAgentConversation_conversationId_key" ON "FinAgentConversation"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "FinAgentConversation_workspaceId_externalId_key" ON "FinAgentConversation"("workspaceId", "externalId");

-- AddForeignKey
ALTER TABLE "FinAgentConversation" ADD CONSTRAINT "FinAgentConversation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FinAgentConversation" ADD CONSTRAINT "FinAgentConversation_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
