import type { Db } from '@tasktide/db';
import type { Authenticate } from '@tasktide/service-kit';
import { Elysia, t } from 'elysia';
import { CreatedWebhook, CreateWebhookBody, Delivery, IdParams, Webhook } from './model.ts';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, queueTestDelivery, redeliver } from './service.ts';

export function webhookRoutes(deps: {
  db: Db;
  authenticate: Authenticate;
  masterKey: string;
  allowPrivate: boolean;
  onRedeliver?: () => void;
}) {
  return (
    new Elysia({ prefix: '/api/v1/webhooks', tags: ['webhooks'], detail: { security: [{ bearer: [] }] } })
      // derive, not resolve: authentication runs before body validation, so anonymous calls get 401.
      .derive(async ({ headers }) => ({ principal: await deps.authenticate(headers.authorization) }))
      .post(
        '/',
        async ({ body, principal, set }) => {
          set.status = 201;
          return createWebhook(deps.db, deps, principal.userId, body);
        },
        {
          body: CreateWebhookBody,
          response: { 201: CreatedWebhook },
          detail: { summary: 'Register a webhook; reminders are POSTed to it, signed (Standard Webhooks)' },
        },
      )
      .get('/', ({ principal }) => listWebhooks(deps.db, principal.userId), {
        response: { 200: t.Array(Webhook) },
        detail: { summary: 'List webhooks' },
      })
      .delete(
        '/:id',
        async ({ params, principal, set }) => {
          await deleteWebhook(deps.db, principal.userId, params.id);
          set.status = 204;
        },
        { params: IdParams, detail: { summary: 'Remove a webhook (pending deliveries are dropped)' } },
      )
      .get('/:id/deliveries', ({ params, principal }) => listDeliveries(deps.db, principal.userId, params.id), {
        params: IdParams,
        response: { 200: t.Array(Delivery) },
        detail: { summary: 'Delivery log of a webhook (latest 100)' },
      })
      .post(
        '/:id/test',
        async ({ params, principal, set }) => {
          const delivery = await queueTestDelivery(deps.db, principal.userId, params.id);
          deps.onRedeliver?.();
          set.status = 201;
          return delivery;
        },
        {
          params: IdParams,
          response: { 201: Delivery },
          detail: { summary: 'Send a test delivery (type webhook.test) now; it shows in the delivery log' },
        },
      )
      .post(
        '/deliveries/:id/redeliver',
        async ({ params, principal }) => {
          const delivery = await redeliver(deps.db, principal.userId, params.id);
          deps.onRedeliver?.();
          return delivery;
        },
        { params: IdParams, response: { 200: Delivery }, detail: { summary: 'Send a delivery again' } },
      )
  );
}
