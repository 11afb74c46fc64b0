export * from './dapr/platform.ts';
export * from './dapr/subscriptions.ts';
export * from './delivery.ts';
export * from './embedded/bus.ts';
export * from './embedded/runtime.ts';
export * from './idempotent.ts';
export * from './metrics.ts';
export * from './ports.ts';
