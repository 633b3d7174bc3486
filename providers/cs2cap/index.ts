export * from './client.js';
export type * from './results.js';
export type * from './inputs.js';
export { CS2CAP_TIER_RPM, type Cs2CapTier, type Cs2CapLimitClass } from './limits.js';
export type { Cs2CapQuotaStatus, Cs2CapQuotaWindow } from './quota-status.js';
export { verifyCs2CapWebhook, type Cs2CapWebhookInput, type Cs2CapWebhookDelivery, type Cs2CapWebhookPayload, type WebhookHeaders } from './webhook-verify.js';
export type {
  Cs2CapAlert,
  Cs2CapAlertBatchResult,
  Cs2CapAlertCreate,
  Cs2CapAlertEvents,
  Cs2CapAlertList,
  Cs2CapAlertListQuery,
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
export type { Cs2CapWatchlist, Cs2CapWatchlistEntry, Cs2CapWatchlistPage, Cs2CapWatchlistQuery, Cs2CapWatchlistRemoved } from './watchlist.js';
export { MAX_CSV_IMPORT_BYTES, MAX_CSV_IMPORT_ROWS, CSV_TRANSACTION_COLUMNS, CSV_ITEM_COLUMNS } from './portfolio.js';
export type {
  Cs2CapCsvFormat,
  Cs2CapCsvImportOptions,
  Cs2CapCsvImportResult,
  Cs2CapImportResult,
  Cs2CapPortfolio,
  Cs2CapPortfolioDay,
  Cs2CapPortfolioHistory,
  Cs2CapPortfolioHistoryMeta,
  Cs2CapPortfolioHistoryQuery,
  Cs2CapPortfolioItem,
  Cs2CapPortfolioItemInput,
  Cs2CapPortfolios,
  Cs2CapTransaction,
  Cs2CapTransactionInput,
  Cs2CapTransactionUpdate,
  Cs2CapValuation,
  Cs2CapValuationData,
  Cs2CapValuationMeta,
  Cs2CapValuationInput,
  Cs2CapValuedItem,
} from './portfolio.js';
export type { Cs2CapInventory, Cs2CapSteamInventory, Cs2CapSteamItem } from './inventory.js';
export type {
  Cs2CapAnalyticsCalls,
  Cs2CapChartMeta,
  Cs2CapChartPoint,
  Cs2CapChartQuery,
  Cs2CapChartSeries,
  Cs2CapImages,
  Cs2CapImagesQuery,
  Cs2CapIndexesQuery,
  Cs2CapIndicatorCoverage,
  Cs2CapIndicators,
  Cs2CapIndicatorsData,
  Cs2CapIndicatorsQuery,
  Cs2CapItemAnalytics,
  Cs2CapItemAnalyticsData,
  Cs2CapItemFilterValues,
  Cs2CapItemMetadata,
  Cs2CapMarketCoverage,
  Cs2CapMarketIndexGroup,
  Cs2CapMarketIndexes,
  Cs2CapMarketMeta,
  Cs2CapMarketProviderFigures,
  Cs2CapMarketSnapshot,
  Cs2CapMarketSnapshotItem,
  Cs2CapMarketSummary,
  Cs2CapMomentum,
  Cs2CapPriceChart,
  Cs2CapSignals,
  Cs2CapVolatility,
  Cs2CapVolumeIndicators,
} from './analytics.js';
