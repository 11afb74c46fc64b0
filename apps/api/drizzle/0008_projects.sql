CREATE TYPE "api"."member_status" AS ENUM('active', 'invited');--> statement-breakpoint
CREATE TYPE "api"."project_role" AS ENUM('viewer', 'editor', 'admin');--> statement-breakpoint
CREATE TABLE "api"."comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api"."project_members" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "api"."project_role" NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"status" "api"."member_status" DEFAULT 'active' NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_members_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "api"."projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"color" text,
	"archived_at" timestamp (3) with time zone,
	"is_inbox" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Every existing user gets an Inbox (its only admin) and every existing task moves into its
-- creator's Inbox: nothing is lost, and a task is visible to exactly the user who saw it before.
INSERT INTO "api"."projects" ("id", "name", "is_inbox", "created_by", "created_at", "updated_at")
SELECT gen_random_uuid(), 'Inbox', true, "id", now(), now() FROM "api"."users";--> statement-breakpoint
INSERT INTO "api"."project_members" ("project_id", "user_id", "role", "position", "status")
SELECT "id", "created_by", 'admin', 0, 'active' FROM "api"."projects" WHERE "is_inbox";--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD COLUMN "project_id" uuid;--> statement-breakpoint
UPDATE "api"."tasks" AS t SET "project_id" = p."id" FROM "api"."projects" p WHERE p."is_inbox" AND p."created_by" = t."user_id";--> statement-breakpoint
ALTER TABLE "api"."tasks" ALTER COLUMN "project_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD COLUMN "assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "api"."comments" ADD CONSTRAINT "comments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "api"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."comments" ADD CONSTRAINT "comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "api"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."project_members" ADD CONSTRAINT "project_members_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "api"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."project_members" ADD CONSTRAINT "project_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "api"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."project_members" ADD CONSTRAINT "project_members_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "api"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."projects" ADD CONSTRAINT "projects_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "api"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_task_created_idx" ON "api"."comments" USING btree ("task_id","created_at","id");--> statement-breakpoint
CREATE INDEX "project_members_user_idx" ON "api"."project_members" USING btree ("user_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_one_inbox_key" ON "api"."projects" USING btree ("created_by") WHERE "api"."projects"."is_inbox";--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD CONSTRAINT "tasks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "api"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD CONSTRAINT "tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "api"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_project_created_idx" ON "api"."tasks" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_assignee_idx" ON "api"."tasks" USING btree ("assignee_id");