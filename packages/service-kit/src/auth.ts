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
  try {
    const { payload } = await jwtVerify(token, key, {
      currentDate: now,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      // A signed token without exp would never expire; one with a far exp is refused too.
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const { sub, exp, iat } = payload as { sub: string; exp: number; iat: number };
    if (!UUID.test(sub)) throw new AppError('unauthenticated', 'The access token is not valid');
    if (exp - iat > MAX_ACCESS_TOKEN_TTL_SECONDS || iat > now.getTime() / 1000 + 60) {
      throw new AppError('unauthenticated', 'The access token is not valid');
    }
    return { userId: sub, via: 'jwt', issuedAt: iat };
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
    const principal = await verifyAccessToken(key, token, opts.clock?.now());
    if (opts.confirmSession && !(await opts.confirmSession(principal, token))) {
      throw new AppError('unauthenticated', 'The session has ended (password changed or account deleted)', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    return principal;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
