-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "otpEmailIntro" TEXT,
ADD COLUMN     "otpEmailSenderName" TEXT,
ADD COLUMN     "otpEmailSubject" TEXT;
