// Offline tier: the alert rules. promtool (Debian's prometheus package) checks every rule and runs
// the unit tests in alerts/tasktide-alerts.promtool.yaml, where each alert fires on a series built to
// trip it and stays quiet on a near miss; every alert links to a section of docs/runbook.md. Each
// check also fails a broken fixture. The Alertmanager routing tree (kube-prometheus-stack values, per
// cluster) is checked with amtool (Debian's prometheus-alertmanager package): every alert reaches the
// receiver its severity names, and every receiver credential comes from an ExternalSecret.
import { beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AlertmanagerValues,
  alertmanagerValues,
  amtool,
  concreteConfig,
  credentialProblems,
  routesTo,
  runAmtool,
} from './lib/amtool.ts';
import { repoRoot } from './lib/deps.ts';
import { broken } from './lib/fixtures.ts';
import { handWrittenManifests, type Located } from './lib/manifests.ts';
import { alertsOf, promtool, promtoolWorkdir, runbookProblems, runPromtool, untestedAlerts } from './lib/promtool.ts';
import { clusters } from './lib/render.ts';

// The first call extracts promtool from Debian's package (cold cache: a few seconds).
setDefaultTimeout(60_000);

const unitTests = readFileSync(join(import.meta.dir, 'alerts/tasktide-alerts.promtool.yaml'), 'utf8');
const runbook = readFileSync(join(repoRoot, 'docs/runbook.md'), 'utf8');
const rules = (): Located[] => handWrittenManifests().filter(({ object }) => object.kind === 'PrometheusRule');
const tasktideRules = () => rules().find(({ object }) => object.metadata.name === 'tasktide-alerts')!;

const checkRules = (item: Located) => runPromtool(['check', 'rules', 'rules.yaml'], promtoolWorkdir(item.object));
const testRules = (item: Located, tests = unitTests) =>
  runPromtool(['test', 'rules', 'tests.yaml'], promtoolWorkdir(item.object, { unitTests: tests, runbookOnly: true }));

beforeAll(() => {
  promtool();
  amtool();
});

describe('alert rules', () => {
  test('the alerts the observability issue asks for exist', () => {
    const names = new Set(alertsOf(tasktideRules().object).map((a) => a.alert));
    expect([...names].sort()).toEqual([
      'TasktideConsumerLagGrowing',
      'TasktideDaprSidecarDown',
      'TasktideDeadLetters',
      'TasktideHighErrorRate',
      'TasktideHighLatency',
      'TasktideOutboxStuck',
      'TasktidePodRestarting',
      'TasktideReminderLatenessBudgetBurn',
      'TasktideRemindersMissed',
    ]);
  });

  test.each(rules().map((r) => [r.source, r] as const))('promtool check rules: %s', (_source, item) => {
    const res = checkRules(item);
    expect(res.output).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('promtool test rules: every unit test passes', () => {
    const res = testRules(tasktideRules());
    expect(res.output).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('every alert has a unit test where it fires and one where it stays quiet', () => {
    expect(untestedAlerts(tasktideRules().object, unitTests)).toEqual([]);
  });

  test.each(rules().map((r) => [r.source, r] as const))('every alert links to a runbook section: %s', (_s, item) => {
    expect(runbookProblems(item.object, runbook)).toEqual([]);
  });
});

describe('alert checks catch broken fixtures', () => {
  const mutateAlert = (name: string, mutate: (rule: Record<string, unknown>) => void) =>
    broken(tasktideRules(), (o) => {
      for (const group of o.spec.groups) for (const r of group.rules) if (r.alert === name) mutate(r);
    });

  test('PromQL that does not parse', () => {
    const res = checkRules(
      mutateAlert('TasktideOutboxStuck', (r) => {
        r.expr = 'max by (outbox) (tasktide_outbox_oldest_pending_age_seconds > 60';
      }),
    );
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('parse error');
  });

  test('a threshold changed so the alert no longer fires where it should', () => {
    const res = testRules(
      mutateAlert('TasktideOutboxStuck', (r) => {
        r.expr = 'max by (outbox) (tasktide_outbox_oldest_pending_age_seconds) > 600';
      }),
    );
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('alertname: TasktideOutboxStuck');
  });

  test('an alert that fires too eagerly (no `for`, lower threshold)', () => {
    const res = testRules(
      mutateAlert('TasktideDaprSidecarDown', (r) => {
        delete r.for;
      }),
    );
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('alertname: TasktideDaprSidecarDown');
  });

  test('an alert without runbook link, and one pointing at a missing section', () => {
    const noLink = mutateAlert('TasktideDeadLetters', (r) => {
      delete (r.annotations as Record<string, string>).runbook_url;
    });
    expect(runbookProblems(noLink.object, runbook).join()).toContain('TasktideDeadLetters: no runbook_url annotation');
    const typo = mutateAlert('TasktideDeadLetters', (r) => {
      (r.annotations as Record<string, string>).runbook_url =
        'https://github.com/tasktide/tasktide/blob/main/docs/runbook.md#tasktidedeadleters';
    });
    expect(runbookProblems(typo.object, runbook).join()).toContain('has no section #tasktidedeadleters');
  });

  test('an alert without a quiet-case unit test', () => {
    const onlyFiring = unitTests.replace(
      /alertname: TasktideRemindersMissed\n\s+exp_alerts: \[\]/,
      'alertname: Nothing\n        exp_alerts: []',
    );
    expect(untestedAlerts(tasktideRules().object, onlyFiring)).toEqual([
      'TasktideRemindersMissed: no unit test where it stays quiet',
    ]);
  });
});

// The receiver each severity must reach (gitops/platform/values/kube-prometheus-stack.yaml).
const receiverFor: Record<string, string> = { critical: 'pager', warning: 'chat' };
const expectedReceiver = (severity: string | undefined) => receiverFor[severity ?? ''] ?? 'null';

/** Secret name → the keys an ExternalSecret in `monitoring` fills in it. */
const monitoringSecretKeys = () =>
  new Map(
    handWrittenManifests()
      .filter(({ object: o }) => o.kind === 'ExternalSecret' && o.metadata.namespace === 'monitoring')
      .map(({ object: o }) => {
        const spec = o.spec as { target: { name: string }; data: { secretKey: string }[] };
        return [spec.target.name, new Set(spec.data.map((d) => d.secretKey))] as const;
      }),
  );

describe.each(clusters)('alert routing (%s)', (cluster) => {
  let values: AlertmanagerValues;
  let configFile: string;
  beforeAll(async () => {
    values = await alertmanagerValues(cluster);
    configFile = concreteConfig(values);
  });

  test('amtool check-config accepts the rendered Alertmanager config', () => {
    const res = runAmtool(['check-config', configFile]);
    expect(res.output).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  test('amtool config routes test: every tasktide alert reaches the receiver its severity names', () => {
    const routed = alertsOf(tasktideRules().object).map((a) => ({
      alert: a.alert,
      severity: a.labels?.severity,
      receivers: routesTo(configFile, { alertname: a.alert!, namespace: 'todo-app', ...a.labels }),
    }));
    expect(routed.length).toBeGreaterThan(0);
    for (const r of routed) expect(r).toEqual({ ...r, receivers: [expectedReceiver(r.severity)] });
  });

  test('info, unlabelled and the Watchdog heartbeat go to the null receiver', () => {
    expect(routesTo(configFile, { alertname: 'Watchdog', severity: 'none' })).toEqual(['null']);
    expect(routesTo(configFile, { alertname: 'CPUThrottlingHigh', severity: 'info' })).toEqual(['null']);
    expect(routesTo(configFile, { alertname: 'Anything' })).toEqual(['null']);
  });

  test('every receiver credential is a file of a mounted Secret that an ExternalSecret fills', () => {
    expect(credentialProblems(values, monitoringSecretKeys())).toEqual([]);
  });
});

describe('alert routing checks catch broken fixtures', () => {
  const mutated = async (mutate: (v: AlertmanagerValues & Record<string, never>) => void) => {
    const v = structuredClone(await alertmanagerValues('oke'));
    mutate(v as AlertmanagerValues & Record<string, never>);
    return v;
  };

  test('a routing tree without the critical route sends pages nowhere', async () => {
    const v = await mutated((v) => {
      const routes = v.config.route.routes as { receiver: string }[];
      v.config.route.routes = routes.filter((r) => r.receiver !== 'pager');
    });
    const critical = alertsOf(tasktideRules().object).find((a) => a.labels?.severity === 'critical')!;
    const got = routesTo(concreteConfig(v), { alertname: critical.alert!, ...critical.labels });
    expect(got).not.toEqual([expectedReceiver('critical')]);
  });

  test('a config amtool rejects (a route to a receiver that does not exist)', async () => {
    const v = await mutated((v) => {
      v.config.route.receiver = 'nobody';
    });
    const res = runAmtool(['check-config', concreteConfig(v)]);
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('nobody');
  });

  test('an inline credential, and a file no ExternalSecret fills', async () => {
    const v = await mutated((v) => {
      const pager = v.config.receivers.find((r) => r.name === 'pager') as { pagerduty_configs: object[] };
      pager.pagerduty_configs = [{ routing_key: 'committed-by-mistake' }];
      const chat = v.config.receivers.find((r) => r.name === 'chat') as { slack_configs: { api_url_file: string }[] };
      chat.slack_configs[0]!.api_url_file = '/etc/alertmanager/secrets/alertmanager-receivers/typo-url';
    });
    expect(credentialProblems(v, monitoringSecretKeys())).toEqual([
      'pager/pagerduty_configs: routing_key inline (use routing_key_file from a mounted Secret)',
      '/etc/alertmanager/secrets/alertmanager-receivers/typo-url: no ExternalSecret fills alertmanager-receivers/typo-url',
    ]);
  });
});
