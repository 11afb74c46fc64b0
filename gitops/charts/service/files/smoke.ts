// PostSync smoke test, run with the service's own image (bun is there): readiness, then for the
// api one authenticated round trip. Exit code 1 turns the Argo CD sync red.
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

async function call(path: string, init: RequestInit & { expect: number }): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (res.status !== init.expect) throw new Error(`${path}: expected ${init.expect}, got ${res.status}`);
  return res.json();
}

async function roundTrip(): Promise<void> {
  // A fresh throwaway account each run; the .invalid domain can never receive mail.
  const email = `smoke-${Date.now()}@smoke.tasktide.invalid`;
  const password = crypto.randomUUID();
  const register = { email, password, display_name: 'smoke test', timezone: 'UTC' };
  await call('/api/v1/auth/register', { method: 'POST', body: JSON.stringify(register), expect: 201 });
  const session = (await call('/api/v1/auth/login', {
    method: 'POST',
    body: JSON.stringify({ email, password }),
    expect: 200,
  })) as { access_token?: string };
  if (!session.access_token) throw new Error('login returned no access_token');
  await call('/api/v1/me', { headers: { authorization: `Bearer ${session.access_token}` }, expect: 200 });
}

try {
  await waitReady();
  if (authenticated) await roundTrip();
  console.log(JSON.stringify({ msg: 'smoke test passed', target: base, authenticated }));
} catch (err) {
  console.error(JSON.stringify({ msg: 'smoke test failed', target: base, error: (err as Error).message }));
  process.exit(1);
}
