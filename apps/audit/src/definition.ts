import { defineService } from '@tasktide/platform';
import { parseConfig } from '@tasktide/service-kit';
import { auditConfigSchema, auditSecretsSchema } from './config.ts';
import { auditMigrations } from './db/migrations.ts';
import { AUDIT_APP_ID, createAuditModule } from './module.ts';

/** The audit service's composition root: the hash-chained log and the operator's DLQ API. */
export const auditService = defineService({
  appId: AUDIT_APP_ID,
  config: auditConfigSchema,
  secrets: { required: ['JWT_SECRET'], optional: ['OPERATOR_TOKEN'], generatedInDev: ['JWT_SECRET'] },
  migrations: [auditMigrations],
  create({ secrets, db, platform, logger, metrics, clock }) {
    if (!db) throw new Error('the audit service needs a database');
    // Checked like env config: a short key stops the service with a message naming it.
    const checked = parseConfig(auditSecretsSchema, secrets);
    if (!checked.OPERATOR_TOKEN) logger.warn('OPERATOR_TOKEN is not set: the operator DLQ API refuses every call');
    return createAuditModule({
      db: db.db,
      platform,
      registry: metrics.registry,
      jwtSecret: checked.JWT_SECRET,
      operatorToken: checked.OPERATOR_TOKEN,
      log: logger,
      clock,
    });
  },
});
