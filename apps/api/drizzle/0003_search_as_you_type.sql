-- pg_trgm (typo- and substring-tolerant matching) is a trusted extension: the database owner may
-- create it. PGlite ships it too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "api"."tasks" ADD COLUMN "search_text" text GENERATED ALWAYS AS (lower(title || ' ' || description || ' ' || api.immutable_array_to_string(tags, ' '))) STORED;--> statement-breakpoint
CREATE INDEX "tasks_search_trgm_idx" ON "api"."tasks" USING gin ("search_text" gin_trgm_ops);