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
