export * from './idempotent.ts';
export * from './relay.ts';
export * from './tables.ts';
export * from './write.ts';
