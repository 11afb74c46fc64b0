export * from './conformance.ts';
export * from './stack.ts';
