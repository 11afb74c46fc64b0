import { AppError } from './errors.ts';

export interface BodyLimits {
  /** Largest request body accepted, in bytes (413 beyond). */
  maxBytes: number;
  /** Deepest nesting of objects/arrays a JSON body may have (400 beyond). */
  maxDepth: number;
}

export const defaultBodyLimits: BodyLimits = { maxBytes: 1024 * 1024, maxDepth: 32 };

/**
 * Reads a request body as text, refusing more than `maxBytes` — by Content-Length before reading,
 * and while reading for chunked bodies that do not announce their size.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes`);
  const announced = Number(request.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) throw tooLarge();
  if (!request.body) return '';
  // A body with a Content-Length is exactly that long (HTTP framing), so the runtime may read it
  // at once; only a chunked body is counted while it streams. Reading in JS chunks cost 15 % of a
  // create.
  if (Number.isInteger(announced) && announced >= 0) return request.text();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * The deepest nesting of `[`/`{` in a JSON text, found in one pass without parsing (strings and
 * their escapes are skipped). A validator walks a parsed value recursively, and a body nested
 * 20,000 levels deep cost seconds and gigabytes there: depth is refused before anything else.
 */
export function jsonDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** Parses a JSON body within the limits: 413 when too large, 400 when too deep or not JSON. */
export async function parseJsonBody(request: Request, limits: BodyLimits = defaultBodyLimits): Promise<unknown> {
  return parseJsonText(await readBodyText(request, limits.maxBytes), limits);
}

// The body text the service's parse hook read, by request: a body can be read once, and reading a
// clone instead (so raw routes found the original unread) tees the stream through JavaScript — 16 %
// of the api's CPU per create in a profile (apps/api/bench, 2026-12-05).
const bodiesRead = new WeakMap<Request, string>();

/** Reads the body within `maxBytes` and keeps its text for `rawBodyText` (the parse hook's read). */
export async function readAndKeepBodyText(request: Request, maxBytes: number): Promise<string> {
  const text = await readBodyText(request, maxBytes);
  bodiesRead.set(request, text);
  return text;
}

/**
 * The raw body of a route that takes it unparsed (`parse: 'none'`, e.g. the sidecar's deliveries):
 * the text the service's parse hook already read, or the body itself outside such a service.
 */
export async function rawBodyText(request: Request): Promise<string> {
  return bodiesRead.get(request) ?? request.text();
}

/** `parseJsonBody` for text already read: 400 when too deep or not JSON. */
export function parseJsonText(text: string, limits: BodyLimits = defaultBodyLimits): unknown {
  if (jsonDepth(text, limits.maxDepth) > limits.maxDepth) {
    throw new AppError('malformed_request', `The JSON body nests deeper than ${limits.maxDepth} levels`);
  }
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    // JSON text holds a NUL only as the escape \u0000; without one there is nothing for the
    // reviver to find, and parsing without a reviver is several times faster.
    value = text.includes('\\u0000') ? JSON.parse(text, rejectNul) : JSON.parse(text);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('malformed_request', 'The request body is not valid JSON');
  }
  return value;
}

/**
 * No text anywhere may hold a NUL character: Postgres cannot store one (every such request was a
 * 500) and no user means to send it.
 */
export const NUL_MESSAGE = 'text may not contain the NUL character (U+0000)';
function rejectNul(key: string, value: unknown) {
  if ((typeof value === 'string' && value.includes('\0')) || key.includes('\0')) {
    throw new AppError('validation_failed', NUL_MESSAGE, { errors: [{ field: '/', message: NUL_MESSAGE }] });
  }
  return value;
}

/** JSON media types: application/json and every application/*+json (CloudEvents included). */
export const isJsonContentType = (type: string | null | undefined) =>
  !!type && /^application\/([\w.+-]+\+)?json\b/i.test(type.trim());
