-- Hand-edited after generation: the migrator creates the schema first (its journal lives there),
-- and the search column needs an IMMUTABLE array_to_string (the built-in is only STABLE).
CREATE SCHEMA IF NOT EXISTS "api";
--> statement-breakpoint
CREATE FUNCTION "api"."immutable_array_to_string"(text[], text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, $2) $$;
--> statement-breakpoint
CREATE TYPE "api"."priority" AS ENUM('none', 'low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "api"."task_status" AS ENUM('open', 'completed');--> statement-breakpoint
CREATE TABLE "api"."api_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "api"."idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"body" text,
	"content_type" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "api"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"partition_key" text NOT NULL,
	"event_type" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp (3) with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "api"."relay_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api"."series_cancellations" (
	"series_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"cancelled_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api"."tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"priority" "api"."priority" DEFAULT 'none' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"due_at" timestamp (3) with time zone,
	"timezone" text NOT NULL,
	"reminders" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"recurrence" text,
	"status" "api"."task_status" DEFAULT 'open' NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"series_id" uuid,
	"parent_id" uuid,
	"source_event_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title || ' ' || description || ' ' || api.immutable_array_to_string(tags, ' '))) STORED
);
--> statement-breakpoint
CREATE TABLE "api"."users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"display_name" text NOT NULL,
	"timezone" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api"."api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "api"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD CONSTRAINT "tasks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "api"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api"."api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api"."api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "api"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_event_key" ON "api"."outbox" USING btree ("event_id","topic");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "api"."outbox" USING btree ("id") WHERE published_at is null;--> statement-breakpoint
CREATE INDEX "outbox_published_idx" ON "api"."outbox" USING btree ("published_at") WHERE published_at is not null;--> statement-breakpoint
CREATE INDEX "tasks_user_created_idx" ON "api"."tasks" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_user_due_idx" ON "api"."tasks" USING btree ("user_id","due_at");--> statement-breakpoint
CREATE INDEX "tasks_user_status_idx" ON "api"."tasks" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "tasks_series_idx" ON "api"."tasks" USING btree ("series_id");--> statement-breakpoint
CREATE INDEX "tasks_search_idx" ON "api"."tasks" USING gin ("search");--> statement-breakpoint
CREATE INDEX "tasks_tags_idx" ON "api"."tasks" USING gin ("tags");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_source_event_key" ON "api"."tasks" USING btree ("source_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "api"."users" USING btree ("email");