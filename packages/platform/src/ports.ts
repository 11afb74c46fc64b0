import type { Subscription } from '@tasktide/events';
import type { AnyElysia } from 'elysia';

/** One message for the bus: the envelope and the key that picks its partition (the user id). */
export interface OutgoingMessage {
  key: string;
  /** Event envelope (CloudEvent `data`). */
  data: { event_id: string } & Record<string, unknown>;
}

export interface PublishResult {
  /** event_ids accepted by the broker. */
  published: string[];
  /** event_ids the broker refused, with why; the caller retries them. */
  failed: { eventId: string; error: string }[];
}

/** Pub/sub building block. Publishing a batch keeps the order of messages that share a key. */
export interface PubSub {
  publish(topic: string, messages: OutgoingMessage[]): Promise<PublishResult>;
  /**
   * Wires subscriptions: the Dapr adapter returns routes (`/dapr/subscribe` + delivery endpoints)
   * to mount on the app; the embedded adapter starts in-process consumers and returns no routes.
   */
  subscribe(subscriptions: Subscription[]): AnyElysia;
  close(): Promise<void>;
}

export interface StateEntry<T> {
  value: T;
  etag: string;
}

/** State building block (Dapr state store semantics). */
/**
 * Dapr prefixes keys with `<app-id>||` and refuses any key that contains `||` itself; the embedded
 * store refuses it too, so code that would fail on real daprd fails in `bun dev` first.
 */
export function assertStateKey(key: string): void {
  if (key.includes('||')) throw new Error(`state key "${key}" must not contain "||" (Dapr's key separator)`);
}

export interface StateStore {
  get<T>(key: string): Promise<StateEntry<T> | null>;
  set<T>(key: string, value: T, opts?: { ttlSeconds?: number }): Promise<void>;
  /**
   * First-write-wins: stores the value only if the key does not exist yet. True when this caller
   * won the claim. Used to make effects outside the database happen once.
   */
  claim<T>(key: string, value: T, opts?: { ttlSeconds?: number }): Promise<boolean>;
  /**
   * Optimistic concurrency: stores the value only if the key still has `etag` (what get() saw).
   * False when someone wrote in between — read again and retry.
   */
  replace<T>(key: string, value: T, etag: string, opts?: { ttlSeconds?: number }): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
}

/** Service invocation: a fetch to another app by id (mTLS + resiliency under Dapr). */
export interface Invoker {
  invoke(appId: string, path: string, init?: RequestInit): Promise<Response>;
}

export interface JobSpec {
  /** When it fires: an RFC 3339 instant (`dueTime`). */
  dueTime: Date;
  /** Delivered verbatim to the job callback. */
  data: Record<string, unknown>;
  /** Replace a job of the same name (default true). */
  overwrite?: boolean;
}

/** Jobs building block: at-least-once, never-early triggers delivered to `POST /job/<name>`. */
export interface Jobs {
  schedule(name: string, spec: JobSpec): Promise<void>;
  /** Deleting a job that does not exist is not an error. */
  delete(name: string): Promise<void>;
  get(name: string): Promise<{ name: string; dueTime?: string; data: unknown } | null>;
}

/** A job callback: what the app runs when a job fires. Return normally to acknowledge. */
export type JobHandler = (name: string, data: Record<string, unknown>) => Promise<void>;

/** Every building block of one app, from one adapter. */
export interface Platform {
  kind: 'dapr' | 'embedded';
  appId: string;
  pubsub: PubSub;
  state: StateStore;
  secrets: SecretStore;
  invoker: Invoker;
  jobs: Jobs;
  /** Routes the sidecar calls for job callbacks (Dapr); embedded fires in-process. */
  onJob(handler: JobHandler): AnyElysia;
  /** Readiness of the sidecar (or nothing to check when embedded). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
