-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AdminRole" AS ENUM ('admin', 'agent');

-- CreateEnum
CREATE TYPE "ContactRole" AS ENUM ('user', 'lead', 'visitor');

-- CreateEnum
CREATE TYPE "ConversationState" AS ENUM ('open', 'snoozed', 'closed');

-- CreateEnum
CREATE TYPE "PartAuthorType" AS ENUM ('customer', 'admin', 'bot', 'system');

-- CreateEnum
CREATE TYPE "PartType" AS ENUM ('comment', 'note', 'connector_result');

-- CreateEnum
CREATE TYPE "AttributeType" AS ENUM ('string', 'integer', 'decimal', 'boolean', 'datetime');

-- CreateEnum
CREATE TYPE "AttributeTarget" AS ENUM ('contact', 'conversation', 'company');

-- CreateEnum
CREATE TYPE "ConnectorState" AS ENUM ('draft', 'live');

-- CreateEnum
CREATE TYPE "VersionKind" AS ENUM ('draft', 'live');

-- CreateEnum
CREATE TYPE "HttpMethod" AS ENUM ('get', 'post', 'put', 'patch', 'delete');

-- CreateEnum
CREATE TYPE "ExecutionType" AS ENUM ('server_side', 'client_side');

-- CreateEnum
CREATE TYPE "ConfigurationResponseType" AS ENUM ('test_response_type', 'mock_response_type');

-- CreateEnum
CREATE TYPE "DataTransformationType" AS ENUM ('full_access', 'redacted_access', 'code_block_transformation');

-- CreateEnum
CREATE TYPE "ResponseLogging" AS ENUM ('full', 'redacted_formatted', 'none');

-- CreateEnum
CREATE TYPE "AudienceMode" AS ENUM ('everyone', 'audiences', 'custom');

-- CreateEnum
CREATE TYPE "AuthTokenKind" AS ENUM ('static', 'basic', 'http_request');

-- CreateEnum
CREATE TYPE "MacroVisibility" AS ENUM ('everyone', 'me');

-- CreateTable
CREATE TABLE "Workspace" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "identityVerificationEnforced" BOOLEAN NOT NULL DEFAULT false,
    "messengerSecretEncrypted" TEXT,
    "previousMessengerSecretEncrypted" TEXT,
    "messengerJwksUrl" TEXT,
    "messengerJwtAlgorithm" TEXT NOT NULL DEFAULT 'HS256',
    "messengerJwtIssuer" TEXT,
    "messengerJwtAudience" TEXT,
    "jwtMaxLifetimeSeconds" INTEGER NOT NULL DEFAULT 86400,
    "logRetentionDays" INTEGER NOT NULL DEFAULT 14,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Admin" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "AdminRole" NOT NULL DEFAULT 'admin',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Admin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL,
    "adminId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdByAdminId" INTEGER,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Company" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "externalId" TEXT,
    "name" TEXT NOT NULL,
    "customAttributes" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Company_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "role" "ContactRole" NOT NULL DEFAULT 'lead',
    "externalId" TEXT,
    "email" TEXT,
    "name" TEXT,
    "companyId" INTEGER,
    "customAttributes" JSONB NOT NULL DEFAULT '{}',
    "emailVerifiedAt" TIMESTAMP(3),
    "lastSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "title" TEXT,
    "state" "ConversationState" NOT NULL DEFAULT 'open',
    "assigneeAdminId" INTEGER,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "customAttributes" JSONB NOT NULL DEFAULT '{}',
    "temporaryAttributes" JSONB NOT NULL DEFAULT '{}',
    "snoozedUntil" TIMESTAMP(3),
    "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "adminReadAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationPart" (
    "id" SERIAL NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "authorType" "PartAuthorType" NOT NULL,
    "authorAdminId" INTEGER,
    "partType" "PartType" NOT NULL DEFAULT 'comment',
    "body" TEXT NOT NULL,
    "metadata" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationPart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomAttributeDefinition" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "target" "AttributeTarget" NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "description" TEXT,
    "type" "AttributeType" NOT NULL DEFAULT 'string',
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomAttributeDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataConnector" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "state" "ConnectorState" NOT NULL DEFAULT 'draft',
    "createdByAdminId" INTEGER,
    "publishedAt" TIMESTAMP(3),
    "securityAcknowledgement" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DataConnector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataConnectorVersion" (
    "id" SERIAL NOT NULL,
    "dataConnectorId" INTEGER NOT NULL,
    "kind" "VersionKind" NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "exampleQuestions" JSONB NOT NULL DEFAULT '[]',
    "httpMethod" "HttpMethod" NOT NULL DEFAULT 'get',
    "url" TEXT,
    "body" TEXT,
    "headers" JSONB NOT NULL DEFAULT '[]',
    "directFinUsage" BOOLEAN NOT NULL DEFAULT false,
    "audiences" JSONB NOT NULL DEFAULT '["users","leads","visitors"]',
    "audienceMode" "AudienceMode" NOT NULL DEFAULT 'everyone',
    "audienceIds" JSONB NOT NULL DEFAULT '[]',
    "audienceRules" JSONB,
    "executionType" "ExecutionType" NOT NULL DEFAULT 'server_side',
    "configurationResponseType" "ConfigurationResponseType" NOT NULL DEFAULT 'test_response_type',
    "dataTransformationType" "DataTransformationType" NOT NULL DEFAULT 'full_access',
    "clientFunctionName" TEXT,
    "clientFunctionTimeoutMs" INTEGER,
    "dataInputs" JSONB NOT NULL DEFAULT '[]',
    "responseFields" JSONB NOT NULL DEFAULT '[]',
    "objectMappings" JSONB NOT NULL DEFAULT '[]',
    "tokenIds" JSONB NOT NULL DEFAULT '[]',
    "mockResponse" JSONB,
    "testResponse" JSONB,
    "codeBlock" TEXT,
    "customerAuthentication" BOOLEAN NOT NULL DEFAULT false,
    "bypassAuthentication" BOOLEAN NOT NULL DEFAULT false,
    "validateMissingAttributes" BOOLEAN,
    "timeoutMs" INTEGER,
    "maxResponseBytes" INTEGER,
    "responseLogging" "ResponseLogging" NOT NULL DEFAULT 'full',
    "updatedByAdminId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DataConnectorVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthToken" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AuthTokenKind" NOT NULL DEFAULT 'static',
    "valueEncrypted" TEXT NOT NULL,
    "headerName" TEXT NOT NULL DEFAULT 'Authorization',
    "prefix" TEXT NOT NULL DEFAULT 'Bearer ',
    "tokenRequest" JSONB,
    "cachedValueEncrypted" TEXT,
    "cachedExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Audience" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "rules" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Audience_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Macro" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "bodyText" TEXT,
    "visibility" "MacroVisibility" NOT NULL DEFAULT 'everyone',
    "ownerAdminId" INTEGER,
    "availableOn" JSONB NOT NULL DEFAULT '["inbox"]',
    "actions" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Macro_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workflow" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "steps" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workflow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExecutionResult" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "dataConnectorId" INTEGER NOT NULL,
    "version" "VersionKind" NOT NULL DEFAULT 'live',
    "success" BOOLEAN NOT NULL,
    "httpStatus" INTEGER,
    "httpMethod" "HttpMethod" NOT NULL,
    "errorType" TEXT,
    "errorMessage" TEXT,
    "executionTimeMs" INTEGER,
    "sourceType" TEXT,
    "sourceId" TEXT,
    "conversationId" INTEGER,
    "contactId" INTEGER,
    "requestUrl" TEXT,
    "requestBody" TEXT,
    "responseBody" TEXT,
    "rawResponseBody" TEXT,
    "debugOutput" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExecutionResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OtpChallenge" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "conversationId" INTEGER,
    "email" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "lastSentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OtpChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEmail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Admin_email_key" ON "Admin"("email");

-- CreateIndex
CREATE INDEX "Admin_workspaceId_idx" ON "Admin"("workspaceId");

-- CreateIndex
CREATE INDEX "AdminSession_adminId_idx" ON "AdminSession"("adminId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_workspaceId_idx" ON "ApiToken"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Company_workspaceId_externalId_key" ON "Company"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "Contact_workspaceId_email_idx" ON "Contact"("workspaceId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_workspaceId_externalId_key" ON "Contact"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "Conversation_workspaceId_state_lastActivityAt_idx" ON "Conversation"("workspaceId", "state", "lastActivityAt");

-- CreateIndex
CREATE INDEX "Conversation_contactId_idx" ON "Conversation"("contactId");

-- CreateIndex
CREATE INDEX "ConversationPart_conversationId_createdAt_idx" ON "ConversationPart"("conversationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "CustomAttributeDefinition_workspaceId_target_name_key" ON "CustomAttributeDefinition"("workspaceId", "target", "name");

-- CreateIndex
CREATE INDEX "DataConnector_workspaceId_updatedAt_idx" ON "DataConnector"("workspaceId", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DataConnectorVersion_dataConnectorId_kind_key" ON "DataConnectorVersion"("dataConnectorId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "AuthToken_workspaceId_name_key" ON "AuthToken"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Audience_workspaceId_name_key" ON "Audience"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "Macro_workspaceId_updatedAt_idx" ON "Macro"("workspaceId", "updatedAt");

-- CreateIndex
CREATE INDEX "Workflow_workspaceId_idx" ON "Workflow"("workspaceId");

-- CreateIndex
CREATE INDEX "ExecutionResult_dataConnectorId_createdAt_idx" ON "ExecutionResult"("dataConnectorId", "createdAt");

-- CreateIndex
CREATE INDEX "ExecutionResult_conversationId_idx" ON "ExecutionResult"("conversationId");

-- CreateIndex
CREATE INDEX "ExecutionResult_createdAt_idx" ON "ExecutionResult"("createdAt");

-- CreateIndex
CREATE INDEX "OtpChallenge_contactId_createdAt_idx" ON "OtpChallenge"("contactId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxEmail_workspaceId_createdAt_idx" ON "OutboxEmail"("workspaceId", "createdAt");

-- AddForeignKey
ALTER TABLE "Admin" ADD CONSTRAINT "Admin_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdminSession" ADD CONSTRAINT "AdminSession_adminId_fkey" FOREIGN KEY ("adminId") REFERENCES "Admin"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdByAdminId_fkey" FOREIGN KEY ("createdByAdminId") REFERENCES "Admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Company" ADD CONSTRAINT "Company_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_assigneeAdminId_fkey" FOREIGN KEY ("assigneeAdminId") REFERENCES "Admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationPart" ADD CONSTRAINT "ConversationPart_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomAttributeDefinition" ADD CONSTRAINT "CustomAttributeDefinition_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataConnector" ADD CONSTRAINT "DataConnector_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataConnectorVersion" ADD CONSTRAINT "DataConnectorVersion_dataConnectorId_fkey" FOREIGN KEY ("dataConnectorId") REFERENCES "DataConnector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthToken" ADD CONSTRAINT "AuthToken_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Audience" ADD CONSTRAINT "Audience_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Macro" ADD CONSTRAINT "Macro_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workflow" ADD CONSTRAINT "Workflow_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExecutionResult" ADD CONSTRAINT "ExecutionResult_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExecutionResult" ADD CONSTRAINT "ExecutionResult_dataConnectorId_fkey" FOREIGN KEY ("dataConnectorId") REFERENCES "DataConnector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OtpChallenge" ADD CONSTRAINT "OtpChallenge_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OtpChallenge" ADD CONSTRAINT "OtpChallenge_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OtpChallenge" ADD CONSTRAINT "OtpChallenge_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxEmail" ADD CONSTRAINT "OutboxEmail_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
