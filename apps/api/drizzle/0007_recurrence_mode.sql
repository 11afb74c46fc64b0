CREATE TYPE "api"."recurrence_mode" AS ENUM('on_completion', 'on_schedule');--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD COLUMN "recurrence_mode" "api"."recurrence_mode" DEFAULT 'on_completion' NOT NULL;--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD COLUMN "next_created" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_on_schedule_due_idx" ON "api"."tasks" USING btree ("due_at","id") WHERE "api"."tasks"."recurrence_mode" = 'on_schedule' and "api"."tasks"."status" = 'open' and not "api"."tasks"."next_created";--> statement-breakpoint
-- Occurrences that already have a successor: their next occurrence was created.
UPDATE "api"."tasks" AS p SET "next_created" = true WHERE EXISTS (SELECT 1 FROM "api"."tasks" c WHERE c."parent_id" = p."id");
