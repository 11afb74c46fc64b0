import { writeEvents } from '@tasktide/outbox';
import { requestContext } from '@tasktide/service-kit';
import { Elysia } from 'elysia';
import type { ApiDeps } from '../context.ts';
import { outbox } from '../db/schema.ts';
import { idempotentPost } from '../idempotency/respond.ts';
import { clientAddress } from './limits.ts';
import {
  ChangePasswordBody,
  DeleteAccountBody,
  LoginBody,
  RegisterBody,
  Session,
  UpdateMeBody,
  User,
} from './model.ts';
import { changePassword, deleteAccount, getUser, login, register, toUserDto, updateProfile } from './service.ts';

export function accountRoutes(deps: ApiDeps) {
  return new Elysia({ tags: ['accounts'] })
    .post(
      '/auth/register',
      async ({ body, request, set, server }) => {
        await deps.limits.beforeRegistration(clientAddress(request, server, deps.config.TRUSTED_PROXY_HOPS));
        const ctx = {
          correlationId: requestContext(request)?.correlationId ?? crypto.randomUUID(),
          at: deps.clock.now(),
        };
        const user = await idempotentPost(deps.db, { request, set, scope: 'anon', body }, async (tx) => ({
          status: 201,
          body: await register(tx, body, ctx),
        }));
        // The Inbox's events are in the outbox: wake the relay.
        deps.onOutboxWrite?.();
        return user;
      },
      {
        body: RegisterBody,
        response: { 201: User },
        detail: { summary: 'Create an account', 'x-problems': [409, 422, 429] },
      },
    )
    .post(
      '/auth/login',
      ({ body, request, server }) =>
        login(
          deps.db,
          {
            limits: deps.limits,
            jwtKey: deps.jwtKey,
            ttlSeconds: deps.config.ACCESS_TOKEN_TTL_SECONDS,
            now: deps.clock.now(),
          },
          body,
          clientAddress(request, server, deps.config.TRUSTED_PROXY_HOPS),
        ),
      {
        body: LoginBody,
        response: { 200: Session },
        detail: {
          summary: 'Exchange email and password for an access token (rate-limited per account and IP)',
          'x-problems': [401, 429],
        },
      },
    )
    .get(
      '/me',
      async ({ headers }) => {
        const principal = await deps.authenticate(headers.authorization);
        return toUserDto(await getUser(deps.db, principal.userId));
      },
      { response: { 200: User }, detail: { summary: 'The signed-in account', security: [{ bearer: [] }] } },
    )
    .patch(
      '/me',
      async ({ headers, body, request }) => {
        const principal = await deps.authenticate(headers.authorization);
        const user = await updateProfile(
          deps.db,
          { correlationId: requestContext(request)?.correlationId ?? crypto.randomUUID(), at: deps.clock.now() },
          principal.userId,
          body,
          (tx, event) => writeEvents(tx, outbox, [event]),
        );
        deps.onOutboxWrite?.();
        return user;
      },
      {
        body: UpdateMeBody,
        response: { 200: User },
        detail: {
          summary:
            'Change the display name or time zone (new tasks default to the new zone; existing ones keep theirs)',
          security: [{ bearer: [] }],
        },
      },
    )
    .post(
      '/auth/password',
      async ({ headers, body }) => {
        const principal = await deps.authenticate(headers.authorization);
        const session = await changePassword(
          deps.db,
          { jwtKey: deps.jwtKey, ttlSeconds: deps.config.ACCESS_TOKEN_TTL_SECONDS, now: deps.clock.now() },
          principal.userId,
          body,
        );
        deps.sessions.forget(principal.userId);
        return session;
      },
      {
        body: ChangePasswordBody,
        response: { 200: Session },
        detail: {
          summary: 'Change the password: every access token issued before ends; the answer carries a new one',
          'x-problems': [403],
          security: [{ bearer: [] }],
        },
      },
    )
    .post(
      '/me/delete',
      async ({ headers, body, request, set }) => {
        const principal = await deps.authenticate(headers.authorization);
        await deleteAccount(
          deps.db,
          { correlationId: requestContext(request)?.correlationId ?? crypto.randomUUID(), at: deps.clock.now() },
          principal.userId,
          body.password,
          (tx, event) => writeEvents(tx, outbox, [event]),
        );
        deps.sessions.forget(principal.userId);
        deps.onOutboxWrite?.();
        set.status = 204;
      },
      {
        body: DeleteAccountBody,
        detail: {
          summary: 'Delete the account and everything of it (confirm with the password); see the Security model',
          'x-problems': [403],
          security: [{ bearer: [] }],
        },
      },
    );
}
