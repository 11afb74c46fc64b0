DROP INDEX "api"."tasks_user_due_idx";--> statement-breakpoint
DROP INDEX "api"."tasks_user_status_priority_due_idx";--> statement-breakpoint
CREATE INDEX "tasks_project_due_idx" ON "api"."tasks" USING btree ("project_id","due_at");--> statement-breakpoint
CREATE INDEX "tasks_project_status_priority_due_idx" ON "api"."tasks" USING btree ("project_id","status","priority","due_at","id");