import { EventEmitter } from 'node:events';
import type { Db } from '@tasktide/db';
import { deadLetterTopic, type Subscription, topicPartitions } from '@tasktide/events';
import { backoffDelay, type Logger } from '@tasktide/service-kit';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { deliver } from '../delivery.ts';
import type { BusMetrics } from '../metrics.ts';
import type { OutgoingMessage, PublishResult } from '../ports.ts';
import { busMessages, busOffsets } from './schema.ts';

export interface EmbeddedBusOptions {
  db: Db;
  log?: Logger;
  metrics?: BusMetrics;
  /** Deliveries of one message before it goes to the dead-letter topic. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  pollMs?: number;
  /** Messages a partition worker takes per step. */
  batchSize?: number;
}

const partitionsOf = (topic: string) => topicPartitions[topic as keyof typeof topicPartitions] ?? 1;

/** Same key → same partition, like Kafka's default partitioner (hash mod partitions). */
export function partitionFor(key: string, partitions: number): number {
  return Number(Bun.hash.murmur32v3(key) % partitions);
}

/**
 * The in-process bus: a durable log in the database with per-consumer, per-partition offsets, so it
 * keeps Kafka's contract — at-least-once, ordered per key, a failing message retried with backoff
 * and then dead-lettered without blocking other partitions, nothing lost across restarts.
 */
export function createEmbeddedBus({
  db,
  log,
  metrics,
  maxAttempts = 5,
  backoffMs = 200,
  maxBackoffMs = 5_000,
  pollMs = 250,
  batchSize = 100,
}: EmbeddedBusOptions) {
  const wake = new EventEmitter();
  wake.setMaxListeners(0);
  const workers: Promise<void>[] = [];
  const started: Subscription[] = [];
  let stopped = false;

  async function publish(topic: string, messages: OutgoingMessage[]): Promise<PublishResult> {
    if (!messages.length) return { published: [], failed: [] };
    const partitions = partitionsOf(topic);
    await db
      .insert(busMessages)
      .values(messages.map((m) => ({ topic, partition: partitionFor(m.key, partitions), key: m.key, data: m.data })));
    wake.emit(topic);
    return { published: messages.map((m) => m.data.event_id), failed: [] };
  }

  async function step(sub: Subscription, partition: number): Promise<boolean> {
    const where = and(
      eq(busOffsets.consumer, sub.consumer),
      eq(busOffsets.topic, sub.topic),
      eq(busOffsets.partition, partition),
    );
    let [cursor] = await db.select().from(busOffsets).where(where);
    if (!cursor) {
      await db
        .insert(busOffsets)
        .values({ consumer: sub.consumer, topic: sub.topic, partition, offset: 0 })
        .onConflictDoNothing();
      [cursor] = await db.select().from(busOffsets).where(where);
    }
    if (!cursor || (cursor.retryAt && cursor.retryAt > new Date())) return false;
    // A batch per step: one offset write per batch instead of three queries per message. A crash
    // mid-batch redelivers the batch's handled messages — at-least-once, as with Kafka.
    const batch = await db
      .select()
      .from(busMessages)
      .where(
        and(eq(busMessages.topic, sub.topic), eq(busMessages.partition, partition), gt(busMessages.seq, cursor.offset)),
      )
      .orderBy(asc(busMessages.seq))
      .limit(batchSize);
    if (!batch.length) return false;
    let acked = cursor.offset;
    const advanceTo = (seq: number) =>
      db.update(busOffsets).set({ offset: seq, attempts: 0, retryAt: null }).where(where);
    for (const [index, message] of batch.entries()) {
      const attempt = index === 0 ? cursor.attempts : 0;
      const started = performance.now();
      const result = await deliver(sub, message.data, { topic: sub.topic, attempt }, log);
      if (result.status === 'success') {
        metrics?.observe(sub, message.data, result, started, result.duplicate ? 'duplicate' : undefined);
        acked = message.seq;
        continue;
      }
      if (acked !== cursor.offset) await advanceTo(acked);
      const attempts = attempt + 1;
      if (result.status === 'retry' && attempts < maxAttempts) {
        metrics?.observe(sub, message.data, result, started);
        const delay = backoffDelay(attempts, backoffMs, maxBackoffMs);
        await db
          .update(busOffsets)
          .set({ attempts, retryAt: new Date(Date.now() + delay) })
          .where(where);
        return acked !== cursor.offset;
      }
      metrics?.observe(sub, message.data, result, started, 'drop');
      const reason = result.status === 'drop' ? result.reason : `gave up after ${attempts} attempts: ${result.reason}`;
      if (sub.raw) {
        log?.error(
          { consumer: sub.consumer, topic: sub.topic, seq: message.seq, reason },
          'dropped from a dead-letter topic',
        );
      } else {
        await publish(deadLetterTopic(sub.topic), [
          {
            key: message.key,
            data: {
              event_id: (message.data as { event_id?: string }).event_id ?? crypto.randomUUID(),
              dead_letter: { consumer: sub.consumer, topic: sub.topic, reason },
              original: message.data,
            },
          },
        ]);
        log?.warn({ consumer: sub.consumer, topic: sub.topic, seq: message.seq, reason }, 'dead-lettered');
      }
      await advanceTo(message.seq);
      return true;
    }
    await advanceTo(acked);
    return true;
  }

  function run(sub: Subscription, partition: number, group: { stopped: boolean }): Promise<void> {
    const halted = () => stopped || group.stopped;
    return (async () => {
      while (!halted()) {
        let progressed = false;
        try {
          progressed = await step(sub, partition);
        } catch (err) {
          if (halted()) break;
          log?.error({ err, consumer: sub.consumer, topic: sub.topic }, 'embedded bus step failed');
        }
        if (!progressed && !halted()) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, pollMs);
            function done() {
              clearTimeout(timer);
              wake.off(sub.topic, done);
              wake.off('stop', done);
              resolve();
            }
            wake.once(sub.topic, done);
            wake.once('stop', done);
          });
        }
      }
    })();
  }

  return {
    publish,
    /**
     * Starts one worker per subscription and partition. `stop()` ends just these (a service that
     * restarts): in-flight deliveries finish, unacknowledged ones are redelivered to the next start.
     */
    start(subscriptions: Subscription[]) {
      const group = { stopped: false };
      const own: Promise<void>[] = [];
      started.push(...subscriptions);
      for (const sub of subscriptions) {
        for (let p = 0; p < partitionsOf(sub.topic); p++) own.push(run(sub, p, group));
      }
      workers.push(...own);
      return {
        async stop() {
          group.stopped = true;
          for (const sub of subscriptions) started.splice(started.indexOf(sub), 1);
          wake.emit('stop');
          await Promise.allSettled(own);
        },
      };
    },
    /**
     * Messages some started consumer has not acknowledged yet (zero when every consumer has caught
     * up): the readiness signal tests wait on instead of sleeping.
     */
    async backlog(): Promise<number> {
      let total = 0;
      for (const sub of started) {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(busMessages)
          .where(
            and(
              eq(busMessages.topic, sub.topic),
              sql`${busMessages.seq} > coalesce((select ${busOffsets.offset} from ${busOffsets} where ${busOffsets.consumer} = ${sub.consumer} and ${busOffsets.topic} = ${sub.topic} and ${busOffsets.partition} = ${busMessages.partition}), 0)`,
            ),
          );
        total += Number(row?.n ?? 0);
      }
      return total;
    },
    async close() {
      stopped = true;
      wake.emit('stop');
      await Promise.allSettled(workers);
    },
  };
}

export type EmbeddedBus = ReturnType<typeof createEmbeddedBus>;
