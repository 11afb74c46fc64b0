// PostSync smoke test, run with the service's own image (bun is there): readiness, then for the
// api one authenticated round trip. Exit code 1 turns the Argo CD sync red.
//
// The round trip uses ONE smoke account per cluster (SMOKE_EMAIL, password from the secret store):
// it logs in, and only when that login is refused (the very first sync) registers the account.
// Nothing new is written to production at each sync.
const base = process.env.TARGET_URL ?? 'http://localhost:3000';
const authenticated = process.env.SMOKE_AUTHENTICATED === 'true';

async function waitReady(attempts = 30): Promise<void> {
  for (let i = 1; i <= attempts; i++) {
    const res = await fetch(`${base}/readyz`).catch(() => undefined);
    if (res?.ok) return;
    await Bun.sleep(2000);
  }
  throw new Error(`${base}/readyz did not answer 200`);
}

async function call(path: string, init: RequestInit): Promise<Response> {
  return fetch(`${base}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
}

async function login(email: string, password: string): Promise<string | undefined> {
  const res = await call('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
  if (res.status === 401) return undefined;
  if (res.status !== 200) throw new Error(`/api/v1/auth/login: expected 200 or 401, got ${res.status}`);
  const session = (await res.json()) as { access_token?: string };
  if (!session.access_token) throw new Error('login returned no access_token');
  return session.access_token;
}

async function roundTrip(): Promise<void> {
  const email = process.env.SMOKE_EMAIL;
  const dir = process.env.SMOKE_CREDENTIALS_DIR;
  // Mounted from the <service>-smoke Secret: credentials never travel in env.
  const password = dir ? (await Bun.file(`${dir}/SMOKE_PASSWORD`).text()).trim() : undefined;
  if (!email || !password) {
    throw new Error('SMOKE_EMAIL and SMOKE_CREDENTIALS_DIR/SMOKE_PASSWORD are required for the authenticated check');
  }
  let token = await login(email, password);
  if (!token) {
    // First sync on this cluster: the smoke account does not exist yet.
    const register = { email, password, display_name: 'smoke test', timezone: 'UTC' };
    const res = await call('/api/v1/auth/register', { method: 'POST', body: JSON.stringify(register) });
    if (res.status === 409) throw new Error(`${email} exists but refuses the stored smoke password`);
    if (res.status !== 201) throw new Error(`/api/v1/auth/register: expected 201, got ${res.status}`);
    token = await login(email, password);
    if (!token) throw new Error(`${email} was registered but its login is refused`);
  }
  const me = await call('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  if (me.status !== 200) throw new Error(`/api/v1/me: expected 200, got ${me.status}`);
}

try {
  await waitReady();
  if (authenticated) await roundTrip();
  console.log(JSON.stringify({ msg: 'smoke test passed', target: base, authenticated }));
} catch (err) {
  console.error(JSON.stringify({ msg: 'smoke test failed', target: base, error: (err as Error).message }));
  process.exit(1);
}
