import { describe, expect, test } from 'bun:test';
import { deliveryTarget, EgressRefused, isPublicAddress, publicReason } from './egress.ts';
import { checkWebhookUrl } from './service.ts';

// The addresses an outside review got through the old host-name regex, and their kin.
const refused = [
  '127.0.0.1',
  '10.0.0.7',
  '172.20.1.1',
  '192.168.1.1',
  '169.254.169.254', // cloud metadata
  '100.64.0.1', // carrier-grade NAT
  '198.18.0.1', // benchmarking
  '0.0.0.0',
  '255.255.255.255',
  '224.0.0.1',
  '::1',
  '::',
  'fe80::1',
  'fd00::1',
  '::ffff:169.254.169.254', // IPv4-mapped
  '::ffff:127.0.0.1',
  '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
  '2001:db8::1', // documentation
];
const allowed = ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'];

describe('webhook egress', () => {
  test.each(refused)('%s is not a public address', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  test.each(allowed)('%s is a public address', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  const table = (answers: Record<string, string[]>) => async (name: string) => answers[name] ?? [];

  test('a name is resolved at delivery time and refused when any of its addresses is not public', async () => {
    const resolve = table({
      'hooks.example.com': ['93.184.216.34'],
      'rebind.example.com': ['93.184.216.34', '10.0.0.1'],
    });
    const ok = await deliveryTarget('https://hooks.example.com/in?x=1', { allowPrivate: false, resolve });
    // The connection goes to the checked address; the name stays for Host, SNI and the certificate.
    expect(ok.url).toBe('https://93.184.216.34/in?x=1');
    expect(ok.host).toBe('hooks.example.com');
    expect(ok.tls?.serverName).toBe('hooks.example.com');
    await expect(deliveryTarget('https://rebind.example.com/', { allowPrivate: false, resolve })).rejects.toThrow(
      EgressRefused,
    );
  });

  test.each([
    'https://[::ffff:169.254.169.254]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::]/',
    'https://[fe80::1]/',
    'https://100.64.1.1/',
    'https://kubernetes.default.svc/',
    'https://metadata.google.internal/',
    'http://93.184.216.34/',
  ])('%s is refused at delivery time', async (url) => {
    await expect(deliveryTarget(url, { allowPrivate: false, resolve: table({}) })).rejects.toThrow(EgressRefused);
  });

  test.each([
    'https://[::ffff:169.254.169.254]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[fe80::1]/',
    'https://100.64.1.1/',
    'https://kubernetes.default.svc/',
  ])('%s is refused at registration too (400 naming /url)', (url) => {
    expect(() => checkWebhookUrl(url, false)).toThrow('/url');
  });

  test('the delivery log gives generic reasons, never the network error', () => {
    expect(publicReason(new EgressRefused('not a public address'))).toBe('refused: not a public address');
    expect(publicReason(Object.assign(new Error('ECONNREFUSED 10.0.0.5:6443'), { code: 'ECONNREFUSED' }))).toBe(
      'could not connect',
    );
    expect(publicReason(new DOMException('timeout', 'TimeoutError'))).toBe('timed out');
  });
});
