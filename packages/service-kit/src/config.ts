import { type Static, type TObject, type TProperties, Type as t } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Plain TypeBox builders for config schemas. Not Elysia's `t`: its Integer/Boolean also accept
 * strings, which would let `"3"` or `"false"` through unparsed.
 */
export { t as ConfigType };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses environment variables into a typed config once, at start. Keys of the schema are the
 * variable names. Booleans accept only `true`/`false`/`1`/`0` (so `"false"` never becomes true);
 * numbers must be numeric. Throws a ConfigError naming every bad variable.
 *
 * @example
 * const config = parseConfig(t.Object({ PORT: t.Integer({ default: 3000 }) }), process.env)
 */
export function parseConfig<S extends TObject<TProperties>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Static<S> {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, prop] of Object.entries(schema.properties)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    const kind = (prop as { type?: string }).type;
    if (kind === 'boolean') {
      if (['true', '1'].includes(value.toLowerCase())) raw[key] = true;
      else if (['false', '0'].includes(value.toLowerCase())) raw[key] = false;
      else problems.push(`${key} must be true or false, got "${value}"`);
    } else if (kind === 'integer' || kind === 'number') {
      const n = Number(value);
      if (value.trim() === '' || Number.isNaN(n)) problems.push(`${key} must be a number, got "${value}"`);
      else raw[key] = n;
    } else {
      raw[key] = value;
    }
  }
  const withDefaults = Value.Default(schema, raw) as Record<string, unknown>;
  for (const error of Value.Errors(schema, withDefaults)) {
    const key = error.path.replace(/^\//, '');
    if (!problems.some((p) => p.startsWith(`${key} `))) problems.push(`${key}: ${error.message}`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return withDefaults as Static<S>;
}

/** Parses config or stops the process with a message naming the bad variable(s). */
export function loadConfigOrExit<S extends TObject<TProperties>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Static<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(78); // EX_CONFIG
  }
}

/** Config every service shares. */
export const baseConfigSchema = t.Object({
  NODE_ENV: t.Union([t.Literal('development'), t.Literal('production'), t.Literal('test')], {
    default: 'development',
  }),
  LOG_LEVEL: t.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => t.Literal(l)),
    { default: 'info' },
  ),
  SERVICE_VERSION: t.String({ default: '0.0.0-dev' }),
  POD_NAME: t.String({ default: '' }),
});
