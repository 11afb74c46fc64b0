import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, runScript, spawnLogged, stopProcess } from '@tasktide/local-stack';
import type { Subprocess } from 'bun';
import type { ControlPlane } from '../control-plane.ts';
import { type Obj, ref } from './objects.ts';

/**
 * The Dapr sidecar injector of the tier: Dapr's own webhook code (scripts/cluster/dapr-injector),
 * configured with exactly the environment and flags the chart gives the injector Deployment, so a
 * chart value such as dapr_sidecar_injector.sidecarDropALLCapabilities reaches the sidecar as in a
 * cluster. The chart's MutatingWebhookConfiguration is applied with its clientConfig pointed at
 * this process (loopback, the control plane's CA) — what the real injector does to the caBundle at
 * start; the webhook's rules, selectors and failure policy stay the chart's.
 */
export interface Injector {
  url: string;
  caBundle: string;
  stop(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests
type Any = any;

/** The injector container's environment, resolved as the kubelet would (fieldRefs to the pod). */
export function injectorEnv(deployment: Obj): Record<string, string> {
  const container = (deployment.spec.template.spec.containers as Any[]).find((c) => c.name === 'dapr-sidecar-injector');
  if (!container) throw new Error(`${ref(deployment)}: no dapr-sidecar-injector container`);
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = deployment.metadata.namespace!;
  }
  env.KUBE_CLUSTER_DOMAIN ??= 'cluster.local';
  const schedulerFlag = (container.args as string[] | undefined)?.find((a) => a.startsWith('--scheduler-enabled='));
  env.TASKTIDE_SCHEDULER_ENABLED = schedulerFlag?.split('=')[1] ?? 'true';
  return env;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startInjector(cp: ControlPlane, deployment: Obj, logDir: string): Promise<Injector> {
  const bin = process.env.TASKTIDE_DAPR_INJECTOR_BIN || (await runScript('scripts/cluster/dapr-injector/install.sh'));
  const port = await freePort();
  const env = injectorEnv(deployment);
  const child: Subprocess = spawnLogged(
    [
      join(bin, 'injector'),
      `--kubeconfig=${cp.kubeconfig}`,
      `--port=${port}`,
      // The apiserver's serving certificate covers 127.0.0.1 and is signed by the control plane CA.
      `--tls-cert=${cp.pki.apiserverCert}`,
      `--tls-key=${cp.pki.apiserverKey}`,
      `--trust-anchors=${cp.pki.caCert}`,
      `--scheduler-enabled=${env.TASKTIDE_SCHEDULER_ENABLED}`,
    ],
    { log: join(logDir, `dapr-injector-${port}.log`), env },
  );
  const deadline = Date.now() + 60_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || child.signalCode) {
      throw new Error(`the Dapr injector exited (log ${join(logDir, `dapr-injector-${port}.log`)})`);
    }
    if (Date.now() > deadline) throw new Error('the Dapr injector did not listen within 60 s');
    await Bun.sleep(100);
  }
  const caBundle = Buffer.from(await Bun.file(cp.pki.caCert).text()).toString('base64');
  return { url: `https://127.0.0.1:${port}/mutate`, caBundle, stop: () => stopProcess(child) };
}

/** The chart's webhook configuration, served by `injector` (only the address and CA change). */
export function pointWebhookAt(config: Obj, injector: Injector): Obj {
  const copy = structuredClone(config);
  for (const hook of copy.webhooks as Any[]) hook.clientConfig = { url: injector.url, caBundle: injector.caBundle };
  return copy;
}
