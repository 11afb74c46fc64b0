import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from './errors.ts';

/** Who is calling: resolved from a JWT access token or a personal API token. */
export interface Principal {
  userId: string;
  via: 'jwt' | 'api_token';
  tokenId?: string;
}

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
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

export async function verifyAccessToken(key: Uint8Array, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (!payload.sub) throw new AppError('unauthenticated', 'The access token has no subject');
    return { userId: payload.sub, via: 'jwt' };
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
export function createAuthenticator(opts: { jwtSecret: string; resolveApiToken?: ApiTokenResolver }) {
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
    return verifyAccessToken(key, token);
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
