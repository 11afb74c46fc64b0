export * from './auth.ts';
export * from './config.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './service.ts';
export * from './trace.ts';
