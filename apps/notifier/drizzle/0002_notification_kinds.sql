CREATE TABLE "notifier"."held_notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"release_at" timestamp (3) with time zone NOT NULL,
	"notification" jsonb NOT NULL,
	"released_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifier"."preferences" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"in_app_kinds" text[] NOT NULL,
	"quiet_start" smallint,
	"quiet_end" smallint,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "notifier"."reminders_task_offset_key";--> statement-breakpoint
ALTER TABLE "notifier"."reminders" ADD COLUMN "kind" text DEFAULT 'reminder' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifier"."webhooks" ADD COLUMN "kinds" text[] DEFAULT '{reminder}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "held_notifications_due_idx" ON "notifier"."held_notifications" USING btree ("release_at") WHERE released_at is null;--> statement-breakpoint
CREATE INDEX "held_notifications_user_idx" ON "notifier"."held_notifications" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_task_kind_offset_key" ON "notifier"."reminders" USING btree ("task_id","kind","offset_minutes");