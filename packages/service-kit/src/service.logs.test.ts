import { describe, expect, test } from 'bun:test';
import { Writable } from 'node:stream';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createService, requestContext } from './service.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return {
    lines,
    logger: createLogger({ service: 'api', version: '1.0.0', pod: 'api-7f9c', level: 'debug', destination }),
  };
}

const traceId = '0af7651916cd43dd8448eb211c80319c';

describe('request logs', () => {
  const { lines, logger } = capture();
  const app = createService({ name: 'api', logger, metrics: createMetrics('api') })
    .get('/work/:id', ({ log, request }) => {
      log.info('working');
      return { correlation: requestContext(request)?.correlationId };
    })
    .get('/boom', () => {
      throw new Error('kaput');
    });

  test('every line is JSON with service, version, pod, request id, correlation id and trace id', async () => {
    const res = await app.handle(
      new Request('http://localhost/work/42', {
        headers: {
          'x-request-id': 'req-1',
          'x-correlation-id': 'corr-1',
          traceparent: `00-${traceId}-b7ad6b7169203331-01`,
        },
      }),
    );
    expect(await res.json()).toEqual({ correlation: 'corr-1' });
    await Bun.sleep(5); // the access line is written after the response
    expect(res.headers.get('traceparent')).toStartWith(`00-${traceId}-`);
    const mine = lines.filter((l) => l.request_id === 'req-1');
    expect(mine.map((l) => l.msg)).toEqual(['working', 'request']);
    for (const line of mine) {
      expect(line).toMatchObject({
        service: 'api',
        version: '1.0.0',
        pod: 'api-7f9c',
        correlation_id: 'corr-1',
        trace_id: traceId,
      });
      expect(typeof line.time).toBe('string');
    }
    // The access line names the route template, never the raw path.
    expect(mine[1]).toMatchObject({ route: '/work/:id', status: '200' });
  });

  test('without a correlation header the request id is the correlation id; errors log the same fields', async () => {
    await app.handle(new Request('http://localhost/boom', { headers: { 'x-request-id': 'req-2' } }));
    const error = lines.find((l) => l.request_id === 'req-2' && l.level === 'error');
    expect(error).toMatchObject({ correlation_id: 'req-2', service: 'api', pod: 'api-7f9c' });
    expect(error?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  test('an insane correlation header is replaced, not logged', async () => {
    await app.handle(
      new Request('http://localhost/work/1', { headers: { 'x-request-id': 'req-3', 'x-correlation-id': 'a b;c' } }),
    );
    const line = lines.find((l) => l.request_id === 'req-3');
    expect(line?.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('no secret reaches a log line, whatever path the request takes', () => {
  test('property: secrets in bodies, headers and failing queries never appear in the output', async () => {
    const fc = (await import('fast-check')).default;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9]{12,40}$/), async (secret) => {
        const { lines, logger } = capture();
        const queryError = Object.assign(
          new Error(`Failed query: insert into api.users values ($1, $2)\nparams: a@b.c,${secret}`),
          { name: 'DrizzleQueryError', params: ['a@b.c', secret] },
        );
        logger.error({ err: Object.assign(new Error('wrapped'), { cause: queryError }) }, 'unhandled error');
        logger.info({ password: secret, body: { new_password: secret, token: secret } }, 'request');
        logger.warn({ headers: { authorization: `Bearer ${secret}` }, passwordHash: secret }, 'odd');
        const app = createService({ name: 'api', logger, metrics: createMetrics('api') }).post('/fail', () => {
          throw queryError;
        });
        await app.handle(
          new Request('http://localhost/fail', {
            method: 'POST',
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
            body: JSON.stringify({ password: secret }),
          }),
        );
        await Bun.sleep(0);
        expect(lines.length).toBeGreaterThan(3);
        for (const line of lines) expect(JSON.stringify(line)).not.toContain(secret);
      }),
      { numRuns: 25, seed: 42 },
    );
  });
});
