// Offline tier: the telemetry wiring agrees with itself end to end — services and daprd send traces
// to the otel-collector Service, the collector forwards to Tempo on the port Tempo receives, Alloy
// ships pod logs to Loki, and Grafana has Loki and Tempo linked both ways by trace id. Nothing here
// can run a collector; these are the addresses and names a typo would silently break.
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, YAML } from './lib/deps.ts';
import type { Loose } from './lib/fixtures.ts';
import { handWrittenManifests } from './lib/manifests.ts';
import { renderServices } from './lib/render.ts';

setDefaultTimeout(60_000);

const values = (name: string): Loose =>
  YAML.parse(readFileSync(join(repoRoot, `gitops/platform/values/${name}.yaml`), 'utf8'));
const daprConfiguration = () =>
  handWrittenManifests().find(({ object }) => object.kind === 'Configuration' && object.metadata.name === 'tasktide')!
    .object as Loose;

interface Wiring {
  collector: Loose;
  tempo: Loose;
  alloy: Loose;
  loki: Loose;
  grafana: Loose;
  dapr: Loose;
  serviceOtlp: string[];
}

/** Every disagreement between the pieces of the telemetry path. */
function problems(w: Wiring): string[] {
  const out: string[] = [];
  const collectorHost = `${w.collector.fullnameOverride}.monitoring.svc.cluster.local`;
  for (const url of w.serviceOtlp) {
    if (url !== `http://${collectorHost}:4318`)
      out.push(`service OTEL_EXPORTER_OTLP_ENDPOINT ${url} is not ${collectorHost}:4318`);
  }
  const otel = w.dapr.spec.tracing?.otel;
  if (otel?.endpointAddress !== `${collectorHost}:4317` || otel?.protocol !== 'grpc')
    out.push(`Dapr tracing ${otel?.endpointAddress} (${otel?.protocol}) is not ${collectorHost}:4317 over grpc`);
  if (w.dapr.spec.tracing?.samplingRate === '0') out.push('Dapr tracing samples nothing');
  const pipeline = w.collector.config?.service?.pipelines?.traces;
  if (!pipeline?.receivers?.includes('otlp')) out.push('collector traces pipeline does not receive otlp');
  const exporterName = (pipeline?.exporters ?? []).find((e: string) => e.startsWith('otlp'));
  const exporter = exporterName ? w.collector.config.exporters?.[exporterName] : undefined;
  const tempoGrpc = w.tempo.tempo?.receivers?.otlp?.protocols?.grpc?.endpoint;
  if (!exporter) out.push('collector exports traces nowhere but debug');
  else if (exporter.endpoint !== `tempo.monitoring.svc.cluster.local:${String(tempoGrpc).split(':').at(-1)}`)
    out.push(`collector exports to ${exporter.endpoint}, Tempo receives OTLP gRPC on ${tempoGrpc}`);
  const alloy = String(w.alloy.alloy?.configMap?.content ?? '');
  if (
    !alloy.includes('loki.source.kubernetes') ||
    !alloy.includes('http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push')
  )
    out.push('Alloy does not ship pod logs to Loki');
  if (w.loki.deploymentMode !== 'SingleBinary') out.push('Loki is not the single binary the URLs assume');
  const sources: Loose[] = w.grafana.grafana?.additionalDataSources ?? [];
  const loki = sources.find((s) => s.type === 'loki');
  const tempo = sources.find((s) => s.type === 'tempo');
  if (!loki || !tempo) out.push('Grafana lacks the Loki or Tempo data source');
  else {
    if (
      !loki.jsonData?.derivedFields?.some(
        (f: Loose) => f.datasourceUid === tempo.uid && /trace_id/.test(f.matcherRegex),
      )
    )
      out.push('Loki log lines do not link their trace_id to Tempo');
    if (tempo.jsonData?.tracesToLogsV2?.datasourceUid !== loki.uid)
      out.push('Tempo spans do not link to their Loki logs');
    if (!String(tempo.url).startsWith('http://tempo.monitoring.svc.cluster.local:'))
      out.push(`Tempo data source URL ${tempo.url}`);
  }
  return out;
}

async function wiring(): Promise<Wiring> {
  const serviceOtlp = (await renderServices()).flatMap((r) =>
    r.objects
      .filter(({ object }) => object.kind === 'ConfigMap' && (object as Loose).data?.OTEL_EXPORTER_OTLP_ENDPOINT)
      .map(({ object }) => (object as Loose).data.OTEL_EXPORTER_OTLP_ENDPOINT as string),
  );
  return {
    collector: values('otel-collector'),
    tempo: values('tempo'),
    alloy: values('alloy'),
    loki: values('loki'),
    grafana: values('kube-prometheus-stack'),
    dapr: daprConfiguration(),
    serviceOtlp,
  };
}

describe('telemetry wiring', () => {
  test('services, daprd, collector, Tempo, Alloy, Loki and Grafana agree', async () => {
    const w = await wiring();
    expect(w.serviceOtlp.length).toBeGreaterThanOrEqual(5);
    expect(problems(w)).toEqual([]);
  });
});

describe('telemetry checks catch broken fixtures', () => {
  test.each<[string, (w: Wiring) => void, string]>([
    [
      'collector renamed',
      (w) => {
        w.collector.fullnameOverride = 'otelcol';
      },
      'is not otelcol.monitoring.svc.cluster.local:4318',
    ],
    [
      'Dapr over HTTP to the gRPC port',
      (w) => {
        w.dapr.spec.tracing.otel.protocol = 'http';
      },
      'over grpc',
    ],
    [
      'collector to the wrong Tempo port',
      (w) => {
        w.collector.config.exporters['otlp/tempo'].endpoint = 'tempo.monitoring.svc.cluster.local:4318';
      },
      'Tempo receives OTLP gRPC',
    ],
    [
      'traces pipeline back to debug only',
      (w) => {
        w.collector.config.service.pipelines.traces.exporters = ['debug'];
      },
      'exports traces nowhere',
    ],
    [
      'Alloy writing elsewhere',
      (w) => {
        w.alloy.alloy.configMap.content = 'loki.write "x" {}';
      },
      'Alloy does not ship',
    ],
    [
      'no log → trace link',
      (w) => delete w.grafana.grafana.additionalDataSources[0].jsonData,
      'do not link their trace_id',
    ],
  ])('%s', async (_name, mutate, expected) => {
    const w = structuredClone(await wiring());
    mutate(w);
    expect(problems(w).join('\n')).toContain(expected);
  });
});
