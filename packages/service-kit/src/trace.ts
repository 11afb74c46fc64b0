/** W3C Trace Context (traceparent) parsing and child-span creation, without an SDK dependency. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/** Continues the caller's trace with a new span id, or starts a new trace when the header is absent or invalid. */
export function continueTrace(traceparent: string | null | undefined): TraceContext {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (match && !/^0+$/.test(match[1] ?? '') && !/^0+$/.test(match[2] ?? '')) {
    return { traceId: match[1] as string, spanId: randomHex(8), flags: match[3] as string };
  }
  return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags}`;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller-supplied request id when it is sane; otherwise makes one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : crypto.randomUUID();
}
