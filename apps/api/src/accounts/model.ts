import { t } from 'elysia';

export const TimeZone = t.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone name, e.g. Europe/Berlin',
  examples: ['Europe/Berlin'],
});

export const RegisterBody = t.Object({
  email: t.String({ format: 'email', maxLength: 254 }),
  password: t.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' }),
  display_name: t.String({ minLength: 1, maxLength: 100 }),
  timezone: TimeZone,
});

export const LoginBody = t.Object({
  email: t.String({ format: 'email', maxLength: 254 }),
  password: t.String({ minLength: 1, maxLength: 200 }),
});

export const User = t.Object({
  id: t.String({ format: 'uuid' }),
  email: t.String(),
  display_name: t.String(),
  timezone: t.String(),
  created_at: t.String({ format: 'date-time' }),
});

export const Session = t.Object({
  access_token: t.String(),
  token_type: t.Literal('Bearer'),
  expires_at: t.String({ format: 'date-time' }),
  user: User,
});

export const ChangePasswordBody = t.Object({
  current_password: t.String({ minLength: 1, maxLength: 200 }),
  new_password: t.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' }),
});

export const UpdateMeBody = t.Object(
  {
    display_name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
    timezone: t.Optional(TimeZone),
  },
  { minProperties: 1, additionalProperties: false },
);

export const DeleteAccountBody = t.Object({
  password: t.String({ minLength: 1, maxLength: 200, description: 'The current password, to confirm' }),
});

export type RegisterInput = typeof RegisterBody.static;
export type LoginInput = typeof LoginBody.static;
export type UserDto = typeof User.static;
export type UpdateMeInput = typeof UpdateMeBody.static;
