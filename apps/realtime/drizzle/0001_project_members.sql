CREATE TABLE "realtime"."project_members" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"active" boolean NOT NULL,
	"as_of" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "project_members_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "project_members_user" ON "realtime"."project_members" USING btree ("user_id");