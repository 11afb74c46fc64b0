import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { ConfigError, parseConfig, ConfigType as t } from './config.ts';

const schema = t.Object({
  FLAG: t.Boolean({ default: true }),
  OPTIONAL_FLAG: t.Optional(t.Boolean()),
  COUNT: t.Integer({ minimum: 1, default: 8 }),
  RATIO: t.Optional(t.Number()),
  NAME: t.String({ default: 'tasktide' }),
});

const truthy = ['true', '1'];
const falsy = ['false', '0'];
/** Any casing of a word, e.g. "fAlSe". */
const casings = (words: string[]) =>
  fc
    .tuple(fc.constantFrom(...words), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }))
    .map(([word, upper]) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

function problemOf(env: Record<string, string>): string {
  try {
    parseConfig(schema, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('parseConfig', () => {
  test('an empty environment gives the defaults', () => {
    expect(parseConfig(schema, {})).toEqual({ FLAG: true, COUNT: 8, NAME: 'tasktide' });
  });

  test('an empty string counts as unset', () => {
    expect(parseConfig(schema, { FLAG: '', COUNT: '', NAME: '' })).toEqual({ FLAG: true, COUNT: 8, NAME: 'tasktide' });
  });

  test('"false" and "0", in any casing, never become true', () => {
    fc.assert(
      fc.property(casings(falsy), (value) => {
        const config = parseConfig(schema, { FLAG: value, OPTIONAL_FLAG: value });
        expect(config.FLAG).toBe(false);
        expect(config.OPTIONAL_FLAG).toBe(false);
      }),
    );
  });

  test('"true" and "1", in any casing, are true', () => {
    fc.assert(fc.property(casings(truthy), (value) => expect(parseConfig(schema, { FLAG: value }).FLAG).toBe(true)));
  });

  test('every other boolean spelling is refused, naming the variable and the value', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => ![...truthy, ...falsy].includes(s.toLowerCase())),
        (value) => {
          const message = problemOf({ OPTIONAL_FLAG: value });
          expect(message).toContain('OPTIONAL_FLAG must be true or false');
          expect(message).toContain(`got "${value}"`);
        },
      ),
    );
  });

  test('numbers: numeric strings parse, anything else is refused (NaN never gets through)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) =>
        expect(parseConfig(schema, { COUNT: String(n) }).COUNT).toBe(n),
      ),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && Number.isNaN(Number(s))),
        (value) => {
          expect(problemOf({ COUNT: value })).toContain('COUNT must be a number');
          expect(problemOf({ RATIO: value })).toContain('RATIO must be a number');
        },
      ),
    );
    expect(problemOf({ COUNT: 'NaN' })).toContain('COUNT must be a number');
    expect(problemOf({ COUNT: '   ' })).toContain('COUNT must be a number');
  });

  test('schema constraints apply after parsing: an integer below its minimum or with a fraction is refused', () => {
    expect(problemOf({ COUNT: '0' })).toContain('COUNT');
    expect(problemOf({ COUNT: '2.5' })).toContain('COUNT');
    expect(problemOf({ COUNT: 'Infinity' })).toContain('COUNT');
  });

  test('one error names every bad variable, not just the first', () => {
    const message = problemOf({ FLAG: 'yes', COUNT: 'many', RATIO: 'half' });
    for (const key of ['FLAG', 'COUNT', 'RATIO']) expect(message).toContain(key);
  });

  test('variables the schema does not name are ignored, not copied into the config', () => {
    expect(parseConfig(schema, { UNRELATED: 'x', PATH: '/bin' })).toEqual({ FLAG: true, COUNT: 8, NAME: 'tasktide' });
  });
});
