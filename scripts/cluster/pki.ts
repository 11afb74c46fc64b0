import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Certificates and keys of one control plane, made fresh at start with openssl (never committed). */
export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  /** Service-account token signing key (private) and its public half, for apiserver and controller-manager. */
  saKey: string;
  saPub: string;
  /** Client certificates: admin (O=system:masters), controller-manager, scheduler, the aggregator's front proxy. */
  clients: Record<ClientName, { cert: string; key: string }>;
}

export type ClientName = 'admin' | 'controller-manager' | 'scheduler' | 'front-proxy';

/** Who each client certificate authenticates as; the RBAC bootstrap policy knows these users/groups. */
const clientSubjects: Record<ClientName, string> = {
  admin: '/O=system:masters/CN=kubernetes-admin',
  'controller-manager': '/CN=system:kube-controller-manager',
  scheduler: '/CN=system:kube-scheduler',
  'front-proxy': '/CN=front-proxy-client',
};

async function openssl(args: string[], cwd: string) {
  const proc = Bun.spawn(['openssl', ...args], { cwd, stdout: 'pipe', stderr: 'pipe' });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`openssl ${args.join(' ')} failed (${code}): ${err}`);
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Issues a leaf certificate signed by the CA, with the given subject and X.509 v3 extensions. */
async function leaf(dir: string, name: string, subject: string, extensions: string[]) {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `${extensions.join('\n')}\n`);
  await openssl(['req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/**
 * Makes a CA, the apiserver's serving certificate (127.0.0.1, localhost, the kubernetes service
 * names and the service's cluster IP), client certificates and the service-account key pair.
 */
export async function makePki(dir: string, opts: { serviceIp: string }): Promise<Pki> {
  mkdirSync(dir, { recursive: true });
  await openssl(
    [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '30',
      '-subj',
      '/CN=tasktide-test-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    dir,
  );
  const leafExt = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  const sans = [
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
    'IP:127.0.0.1',
    `IP:${opts.serviceIp}`,
  ];
  const server = await leaf(dir, 'apiserver', '/CN=kube-apiserver', [
    ...leafExt,
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${sans.join(',')}`,
  ]);
  const clients = {} as Pki['clients'];
  for (const [name, subject] of Object.entries(clientSubjects) as [ClientName, string][]) {
    clients[name] = await leaf(dir, name, subject, [...leafExt, 'extendedKeyUsage=clientAuth']);
  }
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key'], dir);
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    apiserverCert: server.cert,
    apiserverKey: server.key,
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
    clients,
  };
}
