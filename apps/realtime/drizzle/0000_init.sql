-- Hand-edited after generation: the migrator creates the schema first (its journal lives there).
CREATE SCHEMA IF NOT EXISTS "realtime";
--> statement-breakpoint
CREATE TABLE "realtime"."event_buffer" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"event" jsonb NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "event_buffer_user_event" ON "realtime"."event_buffer" USING btree ("user_id","event_id");--> statement-breakpoint
CREATE INDEX "event_buffer_user_seq" ON "realtime"."event_buffer" USING btree ("user_id","seq");--> statement-breakpoint
CREATE INDEX "event_buffer_received_at" ON "realtime"."event_buffer" USING btree ("received_at");