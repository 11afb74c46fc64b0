-- Hand-edited after generation: the migrator creates the schema first (its journal lives there),
-- and the triggers at the end make audit.events append-only for every role, the owner included.
CREATE SCHEMA IF NOT EXISTS "audit";
--> statement-breakpoint
CREATE TABLE "audit"."chain_heads" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit"."dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"original_topic" text NOT NULL,
	"consumer" text NOT NULL,
	"reason" text NOT NULL,
	"event_id" text NOT NULL,
	"envelope" jsonb,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"dead_letter_count" integer DEFAULT 1 NOT NULL,
	"redriven_at" timestamp (3) with time zone,
	"redrive_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit"."events" (
	"user_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"task_id" uuid,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL,
	"correlation_id" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "events_user_id_seq_pk" PRIMARY KEY("user_id","seq")
);
--> statement-breakpoint
CREATE TABLE "audit"."processed_events" (
	"consumer" text NOT NULL,
	"event_id" uuid NOT NULL,
	"processed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_event_key" ON "audit"."dead_letters" USING btree ("event_id","original_topic","consumer");--> statement-breakpoint
CREATE INDEX "dead_letters_topic_idx" ON "audit"."dead_letters" USING btree ("original_topic","id");--> statement-breakpoint
CREATE INDEX "dead_letters_pending_idx" ON "audit"."dead_letters" USING btree ("original_topic","id") WHERE redriven_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "events_event_id_key" ON "audit"."events" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "events_user_task_idx" ON "audit"."events" USING btree ("user_id","task_id","seq");--> statement-breakpoint
CREATE INDEX "events_user_type_idx" ON "audit"."events" USING btree ("user_id","event_type","seq");--> statement-breakpoint
CREATE INDEX "events_user_occurred_idx" ON "audit"."events" USING btree ("user_id","occurred_at");--> statement-breakpoint
CREATE FUNCTION "audit"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "events_append_only" BEFORE UPDATE OR DELETE ON "audit"."events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "events_no_truncate" BEFORE TRUNCATE ON "audit"."events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_change"();
