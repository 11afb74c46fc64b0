CREATE TABLE "notifier"."task_owners" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"from_created" boolean NOT NULL
);
--> statement-breakpoint
-- Hand-written: before shared projects a reminder's user was its task's owner.
INSERT INTO "notifier"."task_owners" ("task_id", "owner_id", "from_created")
  SELECT DISTINCT ON ("task_id") "task_id", "user_id", true FROM "notifier"."reminders" ORDER BY "task_id", "created_at"
  ON CONFLICT DO NOTHING;
