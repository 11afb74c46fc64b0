import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * External Secrets' chart gets its CRD templates at release time (hack/helm.generate.sh): the CRD
 * bundle split per CRD, each wrapped in the chart's install switches, the conversion webhook pointed
 * at the release's webhook Service, and crds.annotations injected. Done here the same way (the
 * bundle of this version has no v1alpha1 ExternalSecret/SecretStore versions, so the conversion
 * switch the script adds around those has nothing to wrap). The chart's one dependency,
 * bitwarden-sdk-server (an OCI chart, off unless bitwarden-sdk-server.enabled), is dropped: helm
 * refuses to render with a declared dependency missing, and it renders nothing when off.
 */
export function prepareExternalSecrets(chart: string, version: string, moduleDir: string) {
  const chartYaml = join(chart, 'Chart.yaml');
  const text = readFileSync(chartYaml, 'utf8')
    .replace(/^version: .*$/m, `version: "${version}"`)
    .replace(/^appVersion: .*$/m, `appVersion: "v${version}"`)
    .replace(/^dependencies:\n(?:[ -].*\n?)*/m, '');
  writeFileSync(chartYaml, text);
  rmSync(join(chart, 'Chart.lock'), { force: true });

  const crdDir = join(chart, 'templates', 'crds');
  mkdirSync(crdDir, { recursive: true });
  const bundle = readFileSync(join(moduleDir, 'deploy', 'crds', 'bundle.yaml'), 'utf8');
  for (const doc of bundle.split(/^---\s*$/m)) {
    const crd = parse(doc) as { spec?: { names?: { kind: string; singular: string } } } | null;
    const names = crd?.spec?.names;
    if (!names) continue;
    const flag = `create${names.kind}`;
    const guard =
      names.kind.startsWith('Cluster') || names.kind === 'PushSecret'
        ? `{{- if and (.Values.installCRDs) (.Values.crds.${flag}) }}`
        : '{{- if .Values.installCRDs }}';
    let body = doc
      .trim()
      .replaceAll('name: kubernetes', 'name: {{ include "external-secrets.fullname" . }}-webhook')
      .replaceAll('namespace: default', 'namespace: {{ .Release.Namespace | quote }}');
    body = body.replace(
      /^(\s*annotations:\s*)$/m,
      [
        '$1',
        '    {{- with .Values.crds.annotations }}',
        '    {{- toYaml . | nindent 4}}',
        '    {{- end }}',
        '    {{- if and .Values.crds.conversion.enabled .Values.webhook.certManager.enabled .Values.webhook.certManager.addInjectorAnnotations }}',
        '    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "external-secrets.fullname" . }}-webhook',
        '    {{- end }}',
      ].join('\n'),
    );
    writeFileSync(join(crdDir, `${names.singular}.yaml`), `${guard}\n${body}\n{{- end }}\n`);
  }
}
