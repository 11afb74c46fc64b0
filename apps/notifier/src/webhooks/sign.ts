import { Webhook } from 'standardwebhooks';

/**
 * Webhook secrets are derived, not stored: HMAC-SHA256(master key, webhook id). The master key
 * (WEBHOOK_SIGNING_KEY) comes from the secret store; rotating it rotates every webhook's secret.
 * Secrets use the Standard Webhooks format (`whsec_<base64>`), so receivers can verify with any
 * Standard Webhooks library.
 */
export function webhookSecret(masterKey: string, webhookId: string): string {
  const mac = new Bun.CryptoHasher('sha256', masterKey).update(webhookId).digest('base64');
  return `whsec_${mac}`;
}

/** Headers of one signed delivery: webhook-id (the delivery id receivers dedupe on), timestamp, signature. */
export function signDelivery(
  secret: string,
  deliveryId: string,
  body: string,
  at = new Date(),
): Record<string, string> {
  const signature = new Webhook(secret).sign(deliveryId, at, body);
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}
