export * from './client.js';
export { CS2CAP_TIER_RPM, type Cs2CapTier, type Cs2CapLimitClass } from './limits.js';
export type { Cs2CapQuotaStatus, Cs2CapQuotaWindow } from './quota-status.js';
export { verifyCs2CapWebhook, type Cs2CapWebhookInput, type Cs2CapWebhookDelivery, type Cs2CapWebhookPayload, type WebhookHeaders } from './webhook-verify.js';
export type {
  Cs2CapAlert,
  Cs2CapAlertBatchResult,
  Cs2CapAlertCreate,
  Cs2CapAlertEvents,
  Cs2CapAlertUpdate,
  Cs2CapAlerts,
  Cs2CapWebhook,
  Cs2CapWebhookCreate,
  Cs2CapWebhookDeliveries,
  Cs2CapWebhookDeliveryRecord,
  Cs2CapWebhookUpdate,
  Cs2CapWebhooks,
  Cs2CapWebhookWithSecret,
} from './notifications.js';
