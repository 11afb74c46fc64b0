/**
 * A deliberately small JSON-schema subset (what Kubernetes structural schemas use) for the custom
 * resources no CRD-generated model package covers. Unlike kubernetes-models it reports unknown
 * fields itself: an object schema with `properties` and no `additionalProperties` is closed, as the
 * API server's pruning treats it.
 */
export type Schema = {
  type?:
    | 'string'
    | 'integer'
    | 'number'
    | 'boolean'
    | 'object'
    | 'array'
    | Array<'string' | 'integer' | 'number' | 'boolean'>;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
};

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: NonNullable<Schema['type']>, actual: string): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/** Returns one message per problem, each naming the JSON pointer of the offending value. */
export function validateSchema(schema: Schema, value: unknown, path = ''): string[] {
  const at = path || '/';
  const actual = typeOf(value);
  if (schema.type && !typeMatches(schema.type, actual)) return [`${at}: expected ${schema.type}, got ${actual}`];
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
  }
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) {
    errors.push(`${at}: ${value} < ${schema.minimum}`);
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((item, i) => {
      errors.push(...validateSchema(schema.items!, item, `${path}/${i}`));
    });
  }
  if (actual === 'object' && (schema.properties || schema.additionalProperties !== undefined)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (obj[key] === undefined) errors.push(`${path}/${key}: required`);
    for (const [key, child] of Object.entries(obj)) {
      const known = schema.properties?.[key];
      if (known) errors.push(...validateSchema(known, child, `${path}/${key}`));
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...validateSchema(schema.additionalProperties, child, `${path}/${key}`));
      } else if (schema.additionalProperties !== true) errors.push(`${path}/${key}: unknown field`);
    }
  }
  return errors;
}
