import { describe, expect, test } from 'bun:test';
import { Elysia, t } from 'elysia';
import { jsonDepth, rawBodyText } from './body.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createService } from './service.ts';

const app = createService({
  name: 'body',
  logger: createLogger({ service: 'body', level: 'silent' }),
  metrics: createMetrics('body'),
  bodyLimits: { maxBytes: 64 * 1024, maxDepth: 8 },
})
  .use(
    new Elysia().post('/echo', ({ body }) => ({ ok: true, keys: Object.keys(body) }), {
      body: t.Object({ name: t.String() }),
    }),
  )
  .post('/raw', async ({ request }) => ({ raw: await rawBodyText(request) }), { parse: 'none' });

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  app.handle(
    new Request(`http://localhost${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }),
  );
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('request bodies are bounded before they are looked at', () => {
  test('a body over the size limit is a 413 problem, by Content-Length or while reading', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    const res = await post('/echo', big);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const streamed = await app.handle(
      new Request('http://localhost/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chunked,
        // @ts-expect-error Bun needs duplex for a streamed request body
        duplex: 'half',
      }),
    );
    expect(streamed.status).toBe(413);
  });

  test('JSON nested deeper than the limit is a 400 before validation, and 20,000 levels cost nothing', async () => {
    const shallow = await post('/echo', JSON.stringify({ name: [[['ok']]] }));
    expect(shallow.status).toBe(400); // valid JSON, wrong shape: the validator's 400
    const deep = await post('/echo', `{"name":${nested(20_000)}}`);
    expect(deep.status).toBe(400);
    const problem = await deep.json();
    expect(problem.detail).toContain('nests deeper than 8 levels');
    // The received value is never echoed back.
    expect(JSON.stringify(problem)).not.toContain('[[[');
  });

  test('validation errors name the field and do not echo the value', async () => {
    const secret = 'do-not-echo-this-value';
    const res = await post('/echo', JSON.stringify({ name: { secret } }));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('/name');
    expect(text).not.toContain(secret);
  });

  test('routes that read the raw body still get it', async () => {
    const res = await post('/raw', '{"a":1}', { 'content-type': 'application/cloudevents+json' });
    expect(await res.json()).toEqual({ raw: '{"a":1}' });
  });

  test('not JSON is a 400 problem', async () => {
    const res = await post('/echo', '{"name":');
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('malformed_request');
  });
});

test('jsonDepth counts brackets outside strings in one pass', () => {
  expect(jsonDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
  expect(jsonDepth('"\\"[["')).toBe(0);
  expect(jsonDepth(nested(50), 10)).toBe(11);
});

test('a NUL character anywhere in the body or the query is a 400 naming it, never a 500', async () => {
  const inBody = await post('/echo', JSON.stringify({ name: 'a\u0000b' }));
  expect(inBody.status).toBe(400);
  expect((await inBody.json()).detail).toContain('NUL');
  const inKey = await post('/echo', JSON.stringify({ name: 'ok', 'k\u0000': 1 }));
  expect(inKey.status).toBe(400);
  const inQuery = await app.handle(
    new Request('http://localhost/echo?tag=a%00b', {
      method: 'POST',
      body: '{"name":"x"}',
      headers: { 'content-type': 'application/json' },
    }),
  );
  expect(inQuery.status).toBe(400);
  expect((await inQuery.json()).errors[0].field).toBe('/tag');
});
