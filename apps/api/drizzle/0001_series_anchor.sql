ALTER TABLE "api"."tasks" ADD COLUMN "series_start" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD COLUMN "occurrence_index" integer DEFAULT 0 NOT NULL;