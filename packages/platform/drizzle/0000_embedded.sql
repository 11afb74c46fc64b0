CREATE SCHEMA IF NOT EXISTS "embedded";
--> statement-breakpoint
CREATE TABLE "embedded"."bus_messages" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"key" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "embedded"."bus_offsets" (
	"consumer" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"offset" bigint DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retry_at" timestamp (3) with time zone,
	CONSTRAINT "bus_offsets_consumer_topic_partition_pk" PRIMARY KEY("consumer","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "embedded"."jobs" (
	"app_id" text NOT NULL,
	"name" text NOT NULL,
	"due_time" timestamp (3) with time zone NOT NULL,
	"data" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "jobs_app_id_name_pk" PRIMARY KEY("app_id","name")
);
--> statement-breakpoint
CREATE TABLE "embedded"."state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"etag" text NOT NULL,
	"expires_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE INDEX "bus_messages_topic_partition_idx" ON "embedded"."bus_messages" USING btree ("topic","partition","seq");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "embedded"."jobs" USING btree ("due_time");