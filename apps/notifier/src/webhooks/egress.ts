import { lookup } from 'node:dns/promises';
import { checkServerIdentity } from 'node:tls';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be delivered. Users name a URL; the notifier runs inside the cluster, next to
 * the Kubernetes API, the metadata endpoint and every pod — so a delivery goes only to an address
 * that is global unicast on the internet, classified by ipaddr.js (IPv4-mapped IPv6 unwrapped;
 * private, loopback, link-local, CGNAT, benchmarking, NAT64, unique-local … all refused), checked
 * at delivery time after resolving the name, and the connection is made to that very address
 * (no second lookup an attacker's DNS could answer differently).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** Names that only mean something inside a cluster or a host; refused before any lookup. */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|localdomain|svc|cluster\.local|home\.arpa)\.?$/i;

export class EgressRefused extends Error {
  override name = 'EgressRefused';
}

export interface DeliveryTarget {
  /** The URL to connect to: the checked address in place of the name. */
  url: string;
  /** The name the receiver expects (Host header, TLS SNI and certificate check). */
  host: string;
  tls?: { serverName: string; checkServerIdentity: typeof checkServerIdentity };
}

export type Resolve = (hostname: string) => Promise<string[]>;
const resolveAll: Resolve = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

/**
 * Resolves a webhook URL into the address to connect to, or throws EgressRefused. With
 * `allowPrivate` (development and tests only) any address is allowed, and still pinned.
 */
export async function deliveryTarget(
  raw: string,
  { allowPrivate, resolve = resolveAll }: { allowPrivate: boolean; resolve?: Resolve },
): Promise<DeliveryTarget> {
  const url = new URL(raw);
  const name = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && url.protocol !== 'https:') throw new EgressRefused('only https');
  if (!allowPrivate && INTERNAL_NAME.test(name)) throw new EgressRefused('not a public name');
  const addresses = ipaddr.isValid(name) ? [name] : await resolve(name).catch(() => []);
  if (!addresses.length) throw new EgressRefused('the name does not resolve');
  // Every address must be public: a name that also resolves inside is refused as a whole.
  if (!allowPrivate && !addresses.every(isPublicAddress)) throw new EgressRefused('not a public address');
  const address = addresses[0] as string;
  const pinned = new URL(url);
  pinned.hostname = address.includes(':') ? `[${address}]` : address;
  const host = url.host;
  return {
    url: pinned.toString(),
    host,
    tls:
      url.protocol === 'https:' && name !== address
        ? { serverName: name, checkServerIdentity: (_ignored, cert) => checkServerIdentity(name, cert) }
        : undefined,
  };
}

/**
 * What the delivery log tells the user about a failed attempt: the receiver's status when it
 * answered, else one of a few generic reasons — never the network error itself, which would tell
 * a prober which internal hosts exist and which ports are open.
 */
export function publicReason(err: unknown): string {
  if (err instanceof EgressRefused) return `refused: ${err.message}`;
  if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError') return 'timed out';
  return 'could not connect';
}
