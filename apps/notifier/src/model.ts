/**
 * The TypeBox schemas of the notifier's public JSON — request bodies and responses — for clients
 * that type themselves from them (apps/web does, with `import type` only, so nothing here reaches a
 * browser bundle). The feature folders own the schemas; this file only names the public ones.
 */
export { Notification, NotificationPage } from './inbox/model.ts';
export { KindSchema, Preferences, PutPreferencesBody } from './preferences/model.ts';
export { CreatedWebhook, CreateWebhookBody, Delivery, Webhook } from './webhooks/model.ts';
