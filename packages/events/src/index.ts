export * from './catalog.ts';
export * from './compat.ts';
export * from './envelope.ts';
export * from './event.ts';
export * from './subscription.ts';
