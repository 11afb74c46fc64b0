import { runScript } from '@tasktide/local-stack';

/** Where the control plane's binaries live: one directory per tool, as its install script prints it. */
export interface KubeBinaries {
  /** Holds `etcd` (TASKTIDE_ETCD_BIN, else scripts/platform/kube/install-etcd.sh). */
  etcd: string;
  /** Holds kube-apiserver, kube-controller-manager, kube-scheduler (TASKTIDE_KUBE_BIN, else install-kube.sh). */
  kube: string;
  /** Holds `kwok` and its default `stages/` (TASKTIDE_KWOK_BIN, else install-kwok.sh). */
  kwok: string;
  /** Holds `kubectl` (TASKTIDE_KUBECTL_BIN, else scripts/platform/install-helm.sh, which ships it with helm). */
  kubectl: string;
}

const installers: Record<keyof KubeBinaries, [env: string, script: string]> = {
  etcd: ['TASKTIDE_ETCD_BIN', 'scripts/platform/kube/install-etcd.sh'],
  kube: ['TASKTIDE_KUBE_BIN', 'scripts/platform/kube/install-kube.sh'],
  kwok: ['TASKTIDE_KWOK_BIN', 'scripts/platform/kube/install-kwok.sh'],
  kubectl: ['TASKTIDE_KUBECTL_BIN', 'scripts/platform/install-helm.sh'],
};

let resolved: Promise<KubeBinaries> | undefined;

/**
 * Resolves the binary directories once per process. The install scripts are idempotent (instant once
 * cached) and are run one after another: a cold machine builds etcd, Kubernetes and kwok with Go, and
 * two Go builds at once would only fight over the two cores.
 */
export function kubeBinaries(): Promise<KubeBinaries> {
  resolved ??= (async () => {
    const dirs = {} as KubeBinaries;
    for (const [tool, [env, script]] of Object.entries(installers) as [keyof KubeBinaries, [string, string]][]) {
      dirs[tool] = process.env[env] || (await runScript(script));
    }
    return dirs;
  })();
  return resolved;
}
