import { ConfigType as t } from '@tasktide/service-kit';

/** The audit service's own env keys: none beyond the process's (PORT, NODE_ENV …). */
export const auditConfigSchema = t.Object({});

/** Credentials, read through the Dapr secret store under Dapr, else from env; checked at start. */
export const auditSecretsSchema = t.Object({
  /** The api's HS256 key: user JWTs are verified locally. */
  JWT_SECRET: t.String({ minLength: 32 }),
  /** Operator API bearer token; when absent the operator API refuses every call. */
  OPERATOR_TOKEN: t.Optional(t.String({ minLength: 16 })),
});
