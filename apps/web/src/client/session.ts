/** The signed-in session, kept in localStorage so a reload (or a second tab) stays signed in. */
import { setToken } from './api.ts';
import type { Session } from './types.ts';

const KEY = 'tasktide.session';

export function loadSession(): Session | null {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    if (!session || Date.parse(session.expires_at) <= Date.now()) return null;
    setToken(session.access_token);
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null) {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  setToken(session?.access_token ?? null);
}
