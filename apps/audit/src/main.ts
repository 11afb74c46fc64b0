/** The audit service as its own process (containers, dev:dapr). `bun dev` mounts its module instead. */
import { bootstrapService, mountModule, serveModule } from '@tasktide/platform';
import { loadConfigOrExit } from '@tasktide/service-kit';
import { auditSecretsSchema, loadAuditConfig } from './config.ts';
import { auditMigrations } from './db/migrations.ts';
import { AUDIT_APP_ID, createAuditModule } from './module.ts';

const config = loadAuditConfig();
const rt = await bootstrapService({
  appId: AUDIT_APP_ID,
  migrations: [auditMigrations],
  secretNames: ['JWT_SECRET', 'OPERATOR_TOKEN'],
  devSecrets: ['JWT_SECRET'],
});
if (!rt.db) throw new Error('the audit service needs a database');
// Checked like env config: a missing or short key stops the process with a message naming it.
const secrets = loadConfigOrExit(auditSecretsSchema, rt.secrets);
if (!secrets.OPERATOR_TOKEN) rt.logger.warn('OPERATOR_TOKEN is not set: the operator DLQ API refuses every call');
const module = mountModule(
  createAuditModule({
    db: rt.db.db,
    platform: rt.platform,
    registry: rt.metrics.registry,
    jwtSecret: secrets.JWT_SECRET,
    operatorToken: secrets.OPERATOR_TOKEN,
    log: rt.logger,
  }),
  rt.platform,
  rt.logger,
);
serveModule(AUDIT_APP_ID, rt, module, { port: config.PORT });
