import { errorStatus } from './errors.ts';

/** The RFC 9457 body every error response has (service-kit's problem()), as a JSON Schema. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'urn:tasktide:problem:<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorStatus) },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

const describe: Record<number, string> = {
  400: 'The request is not valid: `errors` names each field (JSON pointers; headers as header:<name>)',
  401: 'No valid access token or API token',
  403: 'Not allowed (e.g. the current password is wrong, or your role in the project does not allow it)',
  404: "No such resource — or one you may not see (another user's, or in a project you are not a member of)",
  409: 'Conflict with the current state',
  412: 'If-Match names a version the resource is no longer at',
  413: 'The body is larger than the limit (1 MiB by default)',
  422: 'The Idempotency-Key was used before with a different request',
  429: 'Too many requests; Retry-After says when to try again',
};

interface Operation {
  responses?: Record<string, unknown>;
  security?: unknown[];
  requestBody?: unknown;
  'x-problems'?: number[];
}

/**
 * Documents every error an operation can answer, each as `application/problem+json` with the one
 * problem schema, so the document is a contract a client generator (and schemathesis) can trust.
 * Which statuses apply is decided from the operation: every one can be a 400; one with a body a
 * 413; one behind a token a 401; one with a path id a 404; and
 * whatever a route lists in `detail['x-problems']`. A DELETE without a body answers 204. Bun's own
 * 431 (headers too large) has no body and is documented as such. Idempotent: safe on a cached document.
 */
export function withProblemResponses<
  T extends { paths?: Record<string, Record<string, Operation>>; components?: object },
>(spec: T): T {
  const components = (spec.components ?? {}) as { schemas?: Record<string, unknown> };
  components.schemas = { ...components.schemas, Problem: problemSchema };
  (spec as { components?: object }).components = components;
  const problem = (status: number) => ({
    description: describe[status] ?? 'Error',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  for (const [path, operations] of Object.entries(spec.paths ?? {})) {
    for (const op of Object.values(operations)) {
      if (typeof op !== 'object' || op === null) continue;
      op.responses ??= {};
      const statuses = new Set<number>([400, ...(op['x-problems'] ?? [])]);
      if (op.requestBody) statuses.add(413);
      if (op.security?.length) statuses.add(401);
      if (path.includes('{')) statuses.add(404);
      for (const status of statuses) op.responses[String(status)] ??= problem(status);
      op.responses['431'] ??= { description: 'Request headers too large (answered by the server, no body)' };
      if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) {
        op.responses['204'] = { description: 'Done; no content' };
      }
      delete op['x-problems'];
    }
  }
  return spec;
}
