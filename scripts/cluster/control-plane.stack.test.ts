import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControlPlane, startControlPlane } from './control-plane.ts';

// Smoke test of the cluster tier's control plane: real etcd + kube-apiserver + controller-manager +
// scheduler, one kwok node shaped like an OKE worker. Skipped unless TASKTIDE_KUBE=1 (the first run
// builds the binaries from the Go module proxy: several minutes on two cores; cached afterwards).
const enabled = process.env.TASKTIDE_KUBE === '1';
const NODE = { name: 'oke-arm-1', arch: 'arm64', cpu: '4', memory: '24Gi', pods: '110' } as const;

// What PodSecurity "restricted" asks of every pod and container.
const podSecurity = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };
const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const container = (name: string, cpu = '100m', memory = '128Mi') => ({
  name,
  image: 'registry.invalid/tasktide/api:test', // never pulled: kwok simulates the kubelet
  securityContext: containerSecurity,
  resources: { requests: { cpu, memory }, limits: { cpu, memory } },
});
const json = (obj: unknown) => JSON.stringify(obj);

describe.skipIf(!enabled)('Kubernetes control plane with kwok nodes', () => {
  let cp: ControlPlane;
  let dir: string;

  async function kubectl(args: string[], input?: string) {
    const res = await cp.kubectl(args, input);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
    return res.stdout;
  }
  /** A namespace whose default ServiceAccount exists (before that the ServiceAccount admission refuses pods). */
  async function namespace(name: string, labels: Record<string, string> = {}) {
    await kubectl(['apply', '-f', '-'], json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
    await kubectl(['wait', '--for=create', '-n', name, 'serviceaccount/default', '--timeout=60s']);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasktide-kube-'));
    cp = await startControlPlane({ dir, nodes: [NODE] });
    await namespace('apps', {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
  }, 900_000); // includes a cold build of etcd, Kubernetes and kwok

  afterAll(async () => {
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the kwok node has the OKE worker shape and is Ready', async () => {
    const node = JSON.parse(await kubectl(['get', 'node', NODE.name, '-o', 'json']));
    expect(node.metadata.labels['kubernetes.io/arch']).toBe('arm64');
    expect(node.status.allocatable).toMatchObject({ cpu: '4', memory: '24Gi', pods: '110' });
    expect(node.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    expect(await kubectl(['version', '-o', 'json'])).toContain('"gitVersion": "v1.34.4"');
  });

  test('PodSecurity "restricted" refuses a privileged pod', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1', securityContext: { privileged: true } }] },
    };
    const res = await cp.kubectl(['apply', '-f', '-'], json(pod));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('violates PodSecurity "restricted:latest"');
    expect(res.stderr).toContain('privileged');
  });

  test('a compliant Deployment and StatefulSet get scheduled on the kwok node and become Ready', async () => {
    const labels = { app: 'web' };
    const template = {
      metadata: { labels },
      spec: {
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        securityContext: podSecurity,
        containers: [container('web')],
      },
    };
    await kubectl(
      ['apply', '-f', '-'],
      json({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', namespace: 'apps' },
            spec: { replicas: 3, selector: { matchLabels: labels }, template },
          },
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            metadata: { name: 'db', namespace: 'apps' },
            spec: {
              serviceName: 'db',
              replicas: 2,
              selector: { matchLabels: { app: 'db' } },
              template: { ...template, metadata: { labels: { app: 'db' } } },
            },
          },
        ],
      }),
    );
    await kubectl(['rollout', 'status', '-n', 'apps', 'deployment/web', '--timeout=90s']);
    await kubectl(['rollout', 'status', '-n', 'apps', 'statefulset/db', '--timeout=90s']);
    const pods = JSON.parse(await kubectl(['get', 'pods', '-n', 'apps', '-l', 'app in (web,db)', '-o', 'json'])).items;
    expect(pods).toHaveLength(5);
    for (const pod of pods) {
      expect(pod.spec.nodeName).toBe(NODE.name);
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    }
  });

  test('a ResourceQuota refuses a pod over quota and admits one within it', async () => {
    await namespace('quota');
    await kubectl(
      ['apply', '-f', '-'],
      json({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'small', namespace: 'quota' },
        spec: { hard: { pods: '2', 'requests.cpu': '500m', 'requests.memory': '512Mi', 'limits.cpu': '1' } },
      }),
    );
    // Admission enforces a quota only once the controller-manager has computed its status.
    await kubectl([
      'wait',
      '-n',
      'quota',
      'resourcequota/small',
      '--for=jsonpath={.status.hard.pods}=2',
      '--timeout=60s',
    ]);
    const pod = (name: string, cpu: string) =>
      json({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'quota' },
        spec: { securityContext: podSecurity, containers: [container('c', cpu)] },
      });
    const over = await cp.kubectl(['apply', '-f', '-'], pod('too-big', '2'));
    expect(over.code).not.toBe(0);
    expect(over.stderr).toContain('exceeded quota: small');
    await kubectl(['apply', '-f', '-'], pod('fits', '200m'));
    await kubectl(['wait', '-n', 'quota', 'pod/fits', '--for=condition=Ready', '--timeout=60s']);
  });

  test('a Job runs to completion', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      json({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: 'apps' },
        spec: {
          completions: 2,
          backoffLimit: 0,
          template: {
            spec: { restartPolicy: 'Never', securityContext: podSecurity, containers: [container('migrate')] },
          },
        },
      }),
    );
    await kubectl(['wait', '-n', 'apps', 'job/migrate', '--for=condition=Complete', '--timeout=90s']);
    const job = JSON.parse(await kubectl(['get', 'job', '-n', 'apps', 'migrate', '-o', 'json']));
    expect(job.status.succeeded).toBe(2);
  });

  test('stop() leaves no process behind', async () => {
    await cp.stop();
    const mine = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
        } catch {
          return false; // gone meanwhile
        }
      });
    expect(mine).toEqual([]);
  });
});
