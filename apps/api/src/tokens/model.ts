import { t } from 'elysia';

export const CreateTokenBody = t.Object({
  name: t.String({ minLength: 1, maxLength: 100 }),
  expires_in_days: t.Optional(t.Integer({ minimum: 1, maximum: 3650 })),
});

export const ApiToken = t.Object({
  id: t.String({ format: 'uuid' }),
  name: t.String(),
  prefix: t.String({ description: 'First characters of the token, to tell tokens apart' }),
  created_at: t.String({ format: 'date-time' }),
  expires_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  last_used_at: t.Union([t.String({ format: 'date-time' }), t.Null()]),
});

export const CreatedApiToken = t.Composite([
  ApiToken,
  t.Object({ token: t.String({ description: 'Shown once; store it now. Send as Authorization: Bearer <token>' }) }),
]);

export const TokenParams = t.Object({ id: t.String({ format: 'uuid' }) });

export type CreateTokenInput = typeof CreateTokenBody.static;
export type ApiTokenDto = typeof ApiToken.static;
