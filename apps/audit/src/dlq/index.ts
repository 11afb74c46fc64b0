import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '@tasktide/db';
import type { PubSub } from '@tasktide/platform';
import { AppError, type Logger } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import {
  DeadLetter,
  DeadLetterPage,
  DeadLetterParams,
  ListDeadLettersQuery,
  RedriveSummary,
  RedriveTopicBody,
} from './model.ts';
import { getDeadLetter, listDeadLetters, redriveOne, redriveTopic, toDeadLetterDto } from './service.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks `Authorization: Bearer <OPERATOR_TOKEN>` in constant time. Without a configured token the
 * operator API is off: every call is refused, so a forgotten secret never means an open door.
 */
export function operatorGuard(operatorToken: string | undefined) {
  const expected = operatorToken ? digest(operatorToken) : undefined;
  return (authorization: string | null) => {
    if (!expected) {
      throw new AppError('forbidden', 'The operator API is disabled: OPERATOR_TOKEN is not configured');
    }
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new AppError('unauthenticated', 'Send the operator token as Authorization: Bearer <token>', {
        headers: { 'www-authenticate': 'Bearer realm="operator"' },
      });
    }
  };
}

/**
 * Operator API for dead-lettered messages: list them per topic and redrive one or all. Not routed
 * by any ingress (reach it with a port-forward); every call needs the operator token.
 */
export function dlqRoutes(deps: {
  db: Db;
  pubsub: Pick<PubSub, 'publish'>;
  operatorToken: string | undefined;
  log?: Logger;
}) {
  const guard = operatorGuard(deps.operatorToken);
  return (
    new Elysia({ prefix: '/internal/dlq', tags: ['operator'], detail: { hide: true } })
      // Transform runs before validation: an unauthenticated caller learns nothing about the inputs.
      .onTransform(({ request }) => guard(request.headers.get('authorization')))
      .get('/', ({ query }) => listDeadLetters(deps.db, query), {
        query: ListDeadLettersQuery,
        response: { 200: DeadLetterPage },
        detail: { summary: 'List dead-lettered messages (pending by default), oldest first' },
      })
      .get('/:id', async ({ params }) => toDeadLetterDto(await getDeadLetter(deps.db, Number(params.id))), {
        params: DeadLetterParams,
        response: { 200: DeadLetter },
        detail: { summary: 'One dead-lettered message' },
      })
      .post(
        '/redrive',
        async ({ body }) => {
          const summary = await redriveTopic(deps.db, deps.pubsub, body.topic);
          deps.log?.info({ ...summary }, 'dead letters redriven');
          if (summary.failed && !summary.redriven) {
            throw new AppError('unavailable', `Nothing was redriven: ${summary.error ?? 'publish failed'}`);
          }
          return summary;
        },
        {
          body: RedriveTopicBody,
          response: { 200: RedriveSummary },
          detail: { summary: 'Redrive every pending entry of a topic' },
        },
      )
      .post(
        '/:id/redrive',
        async ({ params }) => {
          const entry = await redriveOne(deps.db, deps.pubsub, Number(params.id));
          deps.log?.info(
            { id: entry.id, event_id: entry.event_id, topic: entry.original_topic },
            'dead letter redriven',
          );
          return entry;
        },
        { params: DeadLetterParams, response: { 200: DeadLetter }, detail: { summary: 'Redrive one entry' } },
      )
  );
}
