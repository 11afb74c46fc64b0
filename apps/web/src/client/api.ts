/**
 * The browser's api client: same-origin JSON calls with the session's bearer token; any error
 * response becomes an ApiError carrying the problem+json `detail` and per-field `errors`.
 */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail || title);
    this.name = 'ApiError';
  }

  /** Messages by top-level field name (`/tags/0` → `tags`), for showing next to form fields. */
  byField(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      const name = e.field.replace(/^\/?(body\/)?/, '').split('/')[0] || 'form';
      out[name] = out[name] ? `${out[name]}; ${e.message}` : e.message;
    }
    return out;
  }
}

/** Any thrown value as an ApiError (network and programming errors get a generic title). */
export function asApiError(err: unknown, title = 'Something went wrong'): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, title, String(err));
}

let token: string | null = null;
let onUnauthenticated: () => void = () => {};

export function setToken(value: string | null) {
  token = value;
}

/** Called when a signed-in call answers 401 (the token expired): the app signs out. */
export function onSignedOut(handler: () => void) {
  onUnauthenticated = handler;
}

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { title?: string; detail?: string; errors?: FieldError[] };
    return new ApiError(res.status, body.title ?? res.statusText, body.detail ?? '', body.errors ?? []);
  } catch {
    return new ApiError(res.status, res.statusText || 'Request failed', text.slice(0, 200));
  }
}

/** Calls `/api/v1{path}`; resolves with the JSON body (undefined for 204), rejects with ApiError. */
export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'Network error', 'The server could not be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && token) onUnauthenticated();
    throw error;
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Query string from the set values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
