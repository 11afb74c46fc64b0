export * from './bench-stats.ts';
export * from './daprd.ts';
export * from './enabled.ts';
export * from './kafka.ts';
export * from './metrics-probe.ts';
export * from './process.ts';
export * from './resources.ts';
export * from './stack.ts';
