-- AlterTable
ALTER TABLE "Contact" ADD COLUMN "verifiedEmail" TEXT;
