-- CreateTable
CREATE TABLE "Workspace" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Admin" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Admin_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "adminId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AdminSession_adminId_fkey" FOREIGN KEY ("adminId") REFERENCES "Admin" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdByAdminId" INTEGER,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiToken_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiToken_createdByAdminId_fkey" FOREIGN KEY ("createdByAdminId") REFERENCES "Admin" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Company" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "externalId" TEXT,
    "name" TEXT NOT NULL,
    "customAttributes" JSONB NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Company_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'lead',
    "externalId" TEXT,
    "email" TEXT,
    "name" TEXT,
    "companyId" INTEGER,
    "customAttributes" JSONB NOT NULL DEFAULT '{}',
    "emailVerifiedAt" DATETIME,
    "lastSeenAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Contact_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Contact_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "title" TEXT,
    "state" TEXT NOT NULL DEFAULT 'open',
    "assigneeAdminId" INTEGER,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "customAttributes" JSONB NOT NULL DEFAULT '{}',
    "temporaryAttributes" JSONB NOT NULL DEFAULT '{}',
    "snoozedUntil" DATETIME,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "adminReadAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Conversation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Conversation_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Conversation_assigneeAdminId_fkey" FOREIGN KEY ("assigneeAdminId") REFERENCES "Admin" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConversationPart" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "conversationId" INTEGER NOT NULL,
    "authorType" TEXT NOT NULL,
    "authorAdminId" INTEGER,
    "partType" TEXT NOT NULL DEFAULT 'comment',
    "body" TEXT NOT NULL,
    "metadata" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConversationPart_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomAttributeDefinition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "description" TEXT,
    "type" TEXT NOT NULL DEFAULT 'string',
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CustomAttributeDefinition_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DataConnector" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'draft',
    "createdByAdminId" INTEGER,
    "publishedAt" DATETIME,
    "securityAcknowledgement" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DataConnector_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DataConnectorVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "dataConnectorId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "exampleQuestions" JSONB NOT NULL DEFAULT '[]',
    "httpMethod" TEXT NOT NULL DEFAULT 'get',
    "url" TEXT,
    "body" TEXT,
    "headers" JSONB NOT NULL DEFAULT '[]',
    "directFinUsage" BOOLEAN NOT NULL DEFAULT false,
    "audiences" JSONB NOT NULL DEFAULT '["users","leads","visitors"]',
    "audienceMode" TEXT NOT NULL DEFAULT 'everyone',
    "audienceIds" JSONB NOT NULL DEFAULT '[]',
    "audienceRules" JSONB,
    "executionType" TEXT NOT NULL DEFAULT 'server_side',
    "configurationResponseType" TEXT NOT NULL DEFAULT 'test_response_type',
    "dataTransformationType" TEXT NOT NULL DEFAULT 'full_access',
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
    "responseLogging" TEXT NOT NULL DEFAULT 'full',
    "updatedByAdminId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DataConnectorVersion_dataConnectorId_fkey" FOREIGN KEY ("dataConnectorId") REFERENCES "DataConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuthToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'static',
    "valueEncrypted" TEXT NOT NULL,
    "headerName" TEXT NOT NULL DEFAULT 'Authorization',
    "prefix" TEXT NOT NULL DEFAULT 'Bearer ',
    "tokenRequest" JSONB,
    "cachedValueEncrypted" TEXT,
    "cachedExpiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AuthToken_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Audience" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "rules" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Audience_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Macro" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "bodyText" TEXT,
    "visibility" TEXT NOT NULL DEFAULT 'everyone',
    "ownerAdminId" INTEGER,
    "availableOn" JSONB NOT NULL DEFAULT '["inbox"]',
    "actions" JSONB NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Macro_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Workflow" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "steps" JSONB NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Workflow_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExecutionResult" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "dataConnectorId" INTEGER NOT NULL,
    "version" TEXT NOT NULL DEFAULT 'live',
    "success" BOOLEAN NOT NULL,
    "httpStatus" INTEGER,
    "httpMethod" TEXT NOT NULL,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExecutionResult_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ExecutionResult_dataConnectorId_fkey" FOREIGN KEY ("dataConnectorId") REFERENCES "DataConnector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OtpChallenge" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "conversationId" INTEGER,
    "email" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,
    "verifiedAt" DATETIME,
    "lastSentAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OtpChallenge_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OtpChallenge_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OtpChallenge_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" INTEGER NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OutboxEmail_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
