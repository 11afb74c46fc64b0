import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from './errors.ts';

/** Who is calling: resolved from a JWT access token or a personal API token. */
export interface Principal {
  userId: string;
  via: 'jwt' | 'api_token';
  tokenId?: string;
  /** When a JWT was issued (seconds since the epoch): sessions end for tokens issued before a password change. */
  issuedAt?: number;
}

/** No access token lives longer than a day, whatever its signer asked for. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ISSUER = 'tasktide';
const AUDIENCE = 'tasktide-api';
export const API_TOKEN_PREFIX = 'tt_';
/** Verified access tokens remembered per authenticator (the oldest is forgotten first). */
const VERIFIED_TOKENS_KEPT = 10_000;

export function jwtKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Signs a short-lived HS256 access token for a user. */
export async function signAccessToken(
  key: Uint8Array,
  userId: string,
  ttlSeconds: number,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

export async function verifyAccessToken(key: Uint8Array, token: string, now = new Date()): Promise<Principal> {
  return (await verifyClaims(key, token, now)).principal;
}

/** A verified token's principal and the claims that decide, later, whether it still holds. */
interface Verified {
  principal: Principal;
  exp: number;
  nbf?: number;
}

async function verifyClaims(key: Uint8Array, token: string, now: Date): Promise<Verified> {
  try {
    const { payload } = await jwtVerify(token, key, {
      currentDate: now,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      // A signed token without exp would never expire; one with a far exp is refused too.
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const { sub, exp, iat, nbf } = payload as { sub: string; exp: number; iat: number; nbf?: number };
    if (!UUID.test(sub)) throw new AppError('unauthenticated', 'The access token is not valid');
    if (exp - iat > MAX_ACCESS_TOKEN_TTL_SECONDS || iat > now.getTime() / 1000 + 60) {
      throw new AppError('unauthenticated', 'The access token is not valid');
    }
    return { principal: { userId: sub, via: 'jwt', issuedAt: iat }, exp, ...(nbf === undefined ? {} : { nbf }) };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const expired = err instanceof joseErrors.JWTExpired;
    throw new AppError('unauthenticated', expired ? 'The access token has expired' : 'The access token is not valid', {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

export type ApiTokenResolver = (token: string) => Promise<Principal | null>;

/**
 * Turns an `Authorization: Bearer …` header into a Principal: `tt_…` tokens go to the resolver
 * (the api owns the token table), anything else is verified as a JWT.
 */
export function createAuthenticator(opts: {
  jwtSecret: string;
  resolveApiToken?: ApiTokenResolver;
  /**
   * Whether a verified JWT's session still holds: the account exists and its password did not
   * change after the token was issued. Without it a signature is all that is checked.
   */
  confirmSession?: (principal: Principal, token: string) => Promise<boolean>;
  /** The time expiry is judged by (the service's clock; a test clock in the model check). */
  clock?: { now(): Date };
}) {
  const key = jwtKey(opts.jwtSecret);
  // A client sends the same token with every request until it expires: its signature and fixed
  // claims are checked once (9 % of a create's CPU), the time checks on every use. A token that
  // would fail them goes through the full verification again, so failures read exactly as before.
  const verified = new Map<string, Verified>();
  async function verifyOnce(token: string): Promise<Principal> {
    const now = opts.clock?.now() ?? new Date();
    const seconds = Math.floor(now.getTime() / 1000);
    const hit = verified.get(token);
    const issuedAt = hit?.principal.issuedAt ?? 0;
    if (hit && hit.exp > seconds && (hit.nbf ?? seconds) <= seconds && issuedAt <= now.getTime() / 1000 + 60) {
      return { ...hit.principal };
    }
    verified.delete(token);
    const fresh = await verifyClaims(key, token, now);
    if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
    verified.set(token, fresh);
    return { ...fresh.principal };
  }
  return async function authenticate(authorization: string | null | undefined): Promise<Principal> {
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match?.[1]) {
      throw new AppError('unauthenticated', 'Send an Authorization: Bearer <token> header', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    const token = match[1];
    if (token.startsWith(API_TOKEN_PREFIX)) {
      const principal = opts.resolveApiToken ? await opts.resolveApiToken(token) : null;
      if (!principal) {
        throw new AppError('unauthenticated', 'The API token is not valid or was revoked', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
      return principal;
    }
    const principal = await verifyOnce(token);
    if (opts.confirmSession && !(await opts.confirmSession(principal, token))) {
      throw new AppError('unauthenticated', 'The session has ended (password changed or account deleted)', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    return principal;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
