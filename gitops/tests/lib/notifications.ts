/**
 * Argo CD Notifications as configured in argocd-notifications-cm: services, templates and triggers,
 * parsed the way the notifications controller reads them (each `data` key is a YAML document), and
 * the subscriptions the Applications carry. Template bodies are Go templates with sprig functions,
 * which is what helm runs too: they are rendered through a one-template chart against a sample
 * Application to prove they produce the JSON the chat webhook expects.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YAML } from './deps.ts';
import { helm } from './helm.ts';
import type { K8sObject } from './manifests.ts';

export type Trigger = { description?: string; when: string; send: string[]; oncePer?: string };
export type Notifications = {
  services: Map<string, { kind: string; config: Record<string, unknown> }>;
  templates: Map<string, Record<string, unknown>>;
  triggers: Map<string, Trigger[]>;
  context: Record<string, string>;
};

/** Parses argocd-notifications-cm; throws on a key whose YAML does not parse. */
export function parseNotifications(cm: K8sObject): Notifications {
  const data = (cm.data ?? {}) as Record<string, string>;
  const out: Notifications = { services: new Map(), templates: new Map(), triggers: new Map(), context: {} };
  for (const [key, text] of Object.entries(data)) {
    const value = YAML.parse(text);
    const service = /^service\.(?:(\w+)\.)?([\w-]+)$/.exec(key);
    if (key === 'context') out.context = value;
    else if (key.startsWith('template.')) out.templates.set(key.slice('template.'.length), value);
    else if (key.startsWith('trigger.')) out.triggers.set(key.slice('trigger.'.length), value);
    else if (service) out.services.set(service[2]!, { kind: service[1] ?? service[2]!, config: value });
  }
  return out;
}

/** Triggers that send a template that does not exist, or a template sent to a service that is not configured. */
export function triggerProblems(n: Notifications): string[] {
  const out: string[] = [];
  for (const [name, conditions] of n.triggers) {
    if (!Array.isArray(conditions) || conditions.length === 0) out.push(`trigger ${name}: no conditions`);
    for (const c of conditions ?? []) {
      if (!c.when) out.push(`trigger ${name}: a condition without \`when\``);
      if (!c.send?.length) out.push(`trigger ${name}: a condition that sends nothing`);
      for (const t of c.send ?? [])
        if (!n.templates.has(t)) out.push(`trigger ${name}: sends template ${t}, which does not exist`);
    }
  }
  for (const [name, template] of n.templates) {
    for (const [kind, targets] of Object.entries(template)) {
      if (kind === 'message' || kind === 'title') continue;
      for (const service of Object.keys(targets as object)) {
        if (!n.services.has(service)) out.push(`template ${name}: ${kind} service ${service} is not configured`);
      }
    }
  }
  return out;
}

const SUBSCRIBE = 'notifications.argoproj.io/subscribe.';

/** Subscription annotations naming a trigger or a service that does not exist. */
export function subscriptionProblems(n: Notifications, apps: { name: string; annotations: Record<string, string> }[]) {
  return apps.flatMap(({ name, annotations }) =>
    Object.keys(annotations)
      .filter((k) => k.startsWith(SUBSCRIBE))
      .flatMap((k) => {
        const [trigger, service] = k.slice(SUBSCRIBE.length).split('.');
        return [
          ...(trigger && n.triggers.has(trigger)
            ? []
            : [`${name}: subscribes to trigger ${trigger}, which does not exist`]),
          ...(service && n.services.has(service)
            ? []
            : [`${name}: subscribes via service ${service}, which is not configured`]),
        ];
      }),
  );
}

/** The triggers an Application subscribes to. */
export const subscribedTriggers = (annotations: Record<string, string>) =>
  Object.keys(annotations)
    .filter((k) => k.startsWith(SUBSCRIBE))
    .map((k) => k.slice(SUBSCRIBE.length).split('.')[0]!);

/** `$key` references in the services' settings: keys argocd-notifications-secret must hold. */
export function secretReferences(n: Notifications): string[] {
  const refs = new Set<string>();
  for (const { config } of n.services.values()) {
    for (const m of JSON.stringify(config).matchAll(/\$([\w-]+)/g)) refs.add(m[1]!);
  }
  return [...refs].sort();
}

/** Every webhook body of every template rendered (Go template + sprig, via helm) against `app`. */
export async function renderBodies(n: Notifications, app: unknown): Promise<Map<string, string>> {
  const chart = mkdtempSync(join(tmpdir(), 'tasktide-notifications-'));
  mkdirSync(join(chart, 'templates'));
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: notification-bodies\nversion: 0.0.0\n');
  const names: string[] = [];
  let i = 0;
  for (const [name, template] of n.templates) {
    const webhooks = (template.webhook ?? {}) as Record<string, { body?: string }>;
    for (const [service, hook] of Object.entries(webhooks)) {
      names.push(`${name}/${service}`);
      // `with` makes the sample the template's root, as the notifications controller does; helm
      // parses every output as YAML, so the body leaves as a JSON-quoted string.
      const define = `{{- define "body-${i}" }}{{ with dict "app" .Values.app "context" .Values.context }}${hook.body ?? ''}{{ end }}{{ end -}}`;
      writeFileSync(
        join(chart, 'templates', `body-${i}.yaml`),
        `${define}\nbody: {{ include "body-${i}" . | toJson }}\n`,
      );
      i++;
    }
  }
  const values = join(chart, 'sample.yaml');
  writeFileSync(values, YAML.stringify({ app, context: n.context }));
  const out = await helm(['template', 'x', chart, '-f', values]);
  if (!out.ok) throw new Error(`rendering the notification templates failed: ${out.stderr}`);
  // Each file's output follows a `# Source: …/body-<i>.yaml` line (helm orders files by name, not i).
  const parts = out.stdout.split(/^---\n# Source: notification-bodies\/templates\/body-(\d+)\.yaml\n/m);
  const bodies = new Map<number, string>();
  for (let p = 1; p < parts.length; p += 2) bodies.set(Number(parts[p]), String(YAML.parse(parts[p + 1]!).body).trim());
  return new Map(names.map((name, idx) => [name, bodies.get(idx) ?? '']));
}
