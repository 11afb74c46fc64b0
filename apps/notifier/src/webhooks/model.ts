import { t } from 'elysia';
import { KindSchema } from '../preferences/model.ts';

const Kinds = t.Array(KindSchema, { maxItems: 3, uniqueItems: true });

export const CreateWebhookBody = t.Object({
  url: t.String({ format: 'uri', maxLength: 2000, description: 'https URL that receives signed POSTs' }),
  description: t.Optional(t.String({ maxLength: 200 })),
  kinds: t.Optional(t.Array(KindSchema, { maxItems: 3, uniqueItems: true, description: 'Default: reminder' })),
});

export const Webhook = t.Object({
  id: t.String({ format: 'uuid' }),
  url: t.String(),
  description: t.String(),
  active: t.Boolean(),
  kinds: Kinds,
  created_at: t.String({ format: 'date-time' }),
});

export const CreatedWebhook = t.Composite([
  Webhook,
  t.Object({ secret: t.String({ description: 'Standard Webhooks secret (whsec_…), shown once' }) }),
]);

export const Delivery = t.Object({
  id: t.String({ format: 'uuid' }),
  webhook_id: t.String({ format: 'uuid' }),
  event_id: t.String({ format: 'uuid' }),
  event_type: t.String(),
  status: t.Union([t.Literal('pending'), t.Literal('succeeded'), t.Literal('failed')]),
  attempts: t.Integer(),
  next_attempt_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  last_status: t.Union([t.Integer(), t.Null()]),
  last_error: t.Union([t.String(), t.Null()]),
  created_at: t.String({ format: 'date-time' }),
  delivered_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
});

export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) });
