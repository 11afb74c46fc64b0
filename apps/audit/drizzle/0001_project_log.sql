CREATE TABLE "audit"."project_members" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text,
	"as_of" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "project_members_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "audit"."events" ADD COLUMN "project_id" uuid;--> statement-breakpoint
CREATE INDEX "events_project_event_idx" ON "audit"."events" USING btree ("project_id","event_id") WHERE project_id is not null;--> statement-breakpoint
-- Hand-written: events stored before this migration (the api wrote project_id from 0008_projects on)
-- get their project_id, and the membership they record becomes the projection's start. The column
-- is derived from the hashed envelope, so filling it changes no hash; the append-only trigger is
-- lifted for this one statement only, by the migration's owner role.
ALTER TABLE "audit"."events" DISABLE TRIGGER "events_append_only";--> statement-breakpoint
UPDATE "audit"."events"
  SET "project_id" = coalesce("envelope"->'payload'->>'project_id', "envelope"->'payload'->'task'->>'project_id')::uuid
  WHERE coalesce("envelope"->'payload'->>'project_id', "envelope"->'payload'->'task'->>'project_id') IS NOT NULL;--> statement-breakpoint
ALTER TABLE "audit"."events" ENABLE TRIGGER "events_append_only";--> statement-breakpoint
INSERT INTO "audit"."project_members" ("project_id", "user_id", "role", "as_of")
  SELECT DISTINCT ON ("project_id", "member_id") "project_id", "member_id",
    CASE WHEN "event_type" = 'member.removed' THEN NULL ELSE "role" END, "occurred_at"
  FROM (
    SELECT "project_id", ("envelope"->'payload'->>'member_id')::uuid AS "member_id",
      "envelope"->'payload'->>'role' AS "role", "event_type", "occurred_at"
    FROM "audit"."events"
    WHERE "event_type" IN ('member.added', 'member.role_changed', 'member.removed')
  ) AS "facts"
  ORDER BY "project_id", "member_id", "occurred_at" DESC;--> statement-breakpoint
UPDATE "audit"."project_members" SET "role" = NULL
  WHERE "project_id" IN (SELECT "project_id" FROM "audit"."events" WHERE "event_type" = 'project.deleted');
