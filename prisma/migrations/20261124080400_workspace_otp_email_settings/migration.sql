-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "otpEmailIntro" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "otpEmailSenderName" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "otpEmailSubject" TEXT;
