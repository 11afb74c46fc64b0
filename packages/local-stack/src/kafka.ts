import { join } from 'node:path';
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  IncrementalAlterConfigOperationTypes,
  stringDeserializers,
} from '@platformatic/kafka';
import { allTopics, deadLetterRetentionMs, deadLetterTopic, topicPartitions, topicRetentionMs } from '@tasktide/events';
import { runScript, stopProcess, waitFor } from './process.ts';

/** Every topic with its partition count and retention: the three event topics and their dead-letter twins. */
export function topicPlan(): { topic: string; partitions: number; retentionMs: number }[] {
  return allTopics.flatMap((topic) => [
    { topic, partitions: topicPartitions[topic], retentionMs: topicRetentionMs[topic] },
    { topic: deadLetterTopic(topic), partitions: 1, retentionMs: deadLetterRetentionMs },
  ]);
}

/**
 * Creates topics explicitly (Dapr never creates topics; auto-creation stays off) and sets their
 * retention, as the clusters' topic job does. Idempotent: a topic that exists (a reused dev:dapr data
 * dir) gets its retention set again, so a changed plan reaches it.
 */
export async function createTopics(brokers: string[], plan = topicPlan()) {
  const admin = new Admin({ clientId: 'tasktide-topics', bootstrapBrokers: brokers });
  try {
    const existing = new Set(await admin.listTopics());
    for (const t of plan.filter((t) => !existing.has(t.topic))) {
      await admin.createTopics({
        topics: [t.topic],
        partitions: t.partitions,
        replicas: 1,
        configs: [{ name: 'retention.ms', value: String(t.retentionMs) }],
      });
    }
    const kept = plan.filter((t) => existing.has(t.topic));
    if (kept.length) {
      await admin.incrementalAlterConfigs({
        resources: kept.map((t) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: t.topic,
          configs: [
            {
              name: 'retention.ms',
              configOperation: IncrementalAlterConfigOperationTypes.SET,
              value: String(t.retentionMs),
            },
          ],
        })),
      });
    }
    await waitFor('topics to have leaders', async () => {
      const meta = await admin.metadata({ topics: plan.map((t) => t.topic) });
      return plan.every((t) => meta.topics.get(t.topic)?.partitionsCount === t.partitions);
    });
  } finally {
    await admin.close();
  }
}

/** The `retention.ms` each topic has on the broker (for tests). */
export async function topicRetention(brokers: string[], topics: string[]): Promise<Record<string, number>> {
  const admin = new Admin({ clientId: 'tasktide-topics', bootstrapBrokers: brokers });
  try {
    const described = await admin.describeConfigs({
      resources: topics.map((name) => ({
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: name,
        configurationKeys: ['retention.ms'],
      })),
    });
    return Object.fromEntries(
      described.map((r) => [r.resourceName, Number(r.configs.find((c) => c.name === 'retention.ms')?.value)]),
    );
  } finally {
    await admin.close();
  }
}

export interface KafkaBroker {
  brokers: string[];
  dataDir: string;
  stop(): Promise<void>;
  /** Starts it again on the same data dir and port (for outage tests). */
  restart(): Promise<void>;
}

/** Starts a single-node KRaft broker via scripts/platform/start-kafka.sh (jars cached outside the repo). */
export async function startKafka(opts: {
  dataDir: string;
  port: number;
  controllerPort: number;
}): Promise<KafkaBroker> {
  const start = () =>
    // Tied to this process: the broker stops when the test runner or dev:dapr goes, however it goes.
    runScript('scripts/platform/start-kafka.sh', [opts.dataDir, String(opts.port), String(opts.controllerPort)], {
      KAFKA_TIED_TO: String(process.pid),
    });
  await start();
  const pidFile = join(opts.dataDir, 'kafka.pid');
  const stop = async () => {
    const pid = Number(
      await Bun.file(pidFile)
        .text()
        .catch(() => '0'),
    );
    if (!pid) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    await waitFor(
      'kafka to stop',
      async () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      30_000,
    ).catch(() => process.kill(pid, 'SIGKILL'));
  };
  return {
    brokers: [`127.0.0.1:${opts.port}`],
    dataDir: opts.dataDir,
    stop,
    restart: async () => void (await start()),
  };
}

export interface KafkaRecord {
  topic: string;
  partition: number;
  key: string | null;
  value: unknown;
  offset: bigint;
}

/**
 * Reads a topic from the beginning until `until(records)` holds (or the timeout passes) with a
 * fresh consumer group: what actually reached the broker, independent of any Dapr subscriber.
 */
export async function readTopic(
  brokers: string[],
  topic: string,
  until: (records: KafkaRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<KafkaRecord[]> {
  const consumer = new Consumer({
    groupId: `tasktide-probe-${crypto.randomUUID()}`,
    clientId: 'tasktide-probe',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  const records: KafkaRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const deadline = setTimeout(() => stream.close(), timeoutMs);
    try {
      for await (const m of stream) {
        let value: unknown = m.value;
        try {
          value = JSON.parse(String(m.value));
        } catch {}
        records.push({ topic: m.topic, partition: m.partition, key: m.key ?? null, value, offset: m.offset });
        if (until(records)) break;
      }
    } finally {
      clearTimeout(deadline);
      await stream.close().catch(() => {});
    }
  } finally {
    await consumer.close(true).catch(() => {});
  }
  return records;
}

export { stopProcess };
