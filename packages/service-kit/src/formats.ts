import { FormatRegistry } from '@sinclair/typebox';
// Elysia registers its own (lenient) formats when it loads; load it first so ours replace them.
import 'elysia';
import { fullFormats } from 'ajv-formats/dist/formats.js';

const rfc3339 = fullFormats['date-time'] as { validate: (value: string) => boolean };

/**
 * `format: 'date-time'` means RFC 3339 §5.6 everywhere a schema says it: a calendar date that
 * exists (no 30 February), a time, and an offset. Elysia's default also accepts `Sun Dec 02 …`
 * strings and matches its pattern anywhere in the value, which let `2030-02-30T09:00:00Z` through
 * as 2 March and `-271821-04-20T00:00:00Z` through to a 500. The check is ajv-formats' (linear in
 * the input) plus "JavaScript can represent it", since every value ends up as a Date.
 */
export function isRfc3339DateTime(value: string): boolean {
  return rfc3339.validate(value) && !Number.isNaN(Date.parse(value));
}

FormatRegistry.Set('date-time', isRfc3339DateTime);

/**
 * The patterns `uuid` and `email` are checked with once @elysiajs/openapi is loaded: the plugin
 * bundles @sinclair/typemap, whose import replaces TypeBox's global formats with checks that build
 * a Zod schema on every call (7 % of a create, 20 % of a search under load). These are Zod's own
 * patterns, compiled once, so what validates does not change.
 */
const compiledFormats: Record<string, RegExp> = {
  uuid: /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/,
  email: /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/,
};

type FormatCheck = (value: string) => boolean;
const ours = new Set<FormatCheck>();
const replacedChecks: Record<string, FormatCheck> = {};

/**
 * Puts compiled checks back for the formats @elysiajs/openapi replaced; call it after importing the
 * plugin. Returns the plugin's checks it replaced (a test compares both on the same inputs).
 */
export function restoreCompiledFormats(): Record<string, FormatCheck> {
  for (const [name, pattern] of Object.entries(compiledFormats)) {
    const current = FormatRegistry.Get(name);
    if (current && !ours.has(current)) replacedChecks[name] = current;
    const check: FormatCheck = (value) => pattern.test(value);
    ours.add(check);
    FormatRegistry.Set(name, check);
  }
  return { ...replacedChecks };
}

/** The check TypeBox runs for a `format` now (for tests). */
export const registeredFormat = (name: string): FormatCheck | undefined => FormatRegistry.Get(name);
