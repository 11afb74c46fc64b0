-- Before the index: a completion taken back and given again could leave two successors of one
-- occurrence (the bug this migration closes). Keep the oldest successor linked; later ones stay as
-- tasks (nothing is deleted) but lose the parent link, so the unique index can be built.
UPDATE "api"."tasks" AS t SET "parent_id" = NULL
WHERE t."parent_id" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "api"."tasks" AS older
  WHERE older."parent_id" = t."parent_id" AND (older."created_at", older."id") < (t."created_at", t."id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_parent_key" ON "api"."tasks" USING btree ("parent_id");
