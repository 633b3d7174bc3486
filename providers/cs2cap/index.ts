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
export type { Cs2CapWatchlist, Cs2CapWatchlistEntry, Cs2CapWatchlistPage, Cs2CapWatchlistQuery } from './watchlist.js';
export { MAX_CSV_IMPORT_BYTES, MAX_CSV_IMPORT_ROWS, CSV_TRANSACTION_COLUMNS, CSV_ITEM_COLUMNS } from './portfolio.js';
export type {
  Cs2CapCsvFormat,
  Cs2CapCsvImportOptions,
  Cs2CapCsvImportResult,
  Cs2CapImportResult,
  Cs2CapPortfolio,
  Cs2CapPortfolioDay,
  Cs2CapPortfolioHistory,
  Cs2CapPortfolioHistoryQuery,
  Cs2CapPortfolioItem,
  Cs2CapPortfolioItemInput,
  Cs2CapPortfolios,
  Cs2CapTransaction,
  Cs2CapTransactionInput,
  Cs2CapTransactionUpdate,
  Cs2CapValuation,
  Cs2CapValuationInput,
  Cs2CapValuedItem,
} from './portfolio.js';
export type { Cs2CapInventory, Cs2CapSteamInventory } from './inventory.js';
export type {
  Cs2CapAnalyticsCalls,
  Cs2CapChartPoint,
  Cs2CapChartQuery,
  Cs2CapIndicators,
  Cs2CapIndicatorsQuery,
  Cs2CapItemAnalytics,
  Cs2CapItemMetadata,
  Cs2CapMarketIndexes,
  Cs2CapMarketSnapshot,
  Cs2CapMarketSummary,
  Cs2CapPriceChart,
} from './analytics.js';
