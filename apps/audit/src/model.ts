/**
 * The TypeBox schemas of the audit service's public JSON (a user's own trail), for clients that
 * type themselves from them (apps/web does, with `import type` only, so nothing here reaches a
 * browser bundle). The feature folders own the schemas; this file only names the public ones.
 */
export { AuditEvent, AuditEventPage, ChainReport } from './events/model.ts';
