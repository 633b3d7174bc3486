export * from './client.js';
export { signKalshiRequest, kalshiSignatureMessage, type KalshiAuthHeaders, type SignKalshiRequestInput } from './signing.js';
export { kalshiDefaultLimits, type KalshiLimitClass, type KalshiTier } from './limits.js';
export * from './stream/index.js';
export type { KalshiOrderTracker, KalshiTrackedFill, KalshiTrackedOrder, OrderTrackerEvents, TrackOrderOptions } from './order-tracker.js';
export type {
  KalshiSpecCalls,
  KalshiCandleRange,
  KalshiCandlestick,
  KalshiEndpointCost,
  KalshiEndpointCosts,
  KalshiEventFeeChange,
  KalshiEventMetadata,
  KalshiExchangeSchedule,
  KalshiHistoricalCutoff,
  KalshiOrderGroup,
  KalshiOrderGroupDetail,
  KalshiQueuePosition,
  KalshiRestingOrderValue,
  KalshiSeries,
  KalshiSeriesFeeChange,
  KalshiSettlement,
  KalshiSettlementsQuery,
  KalshiTransfer,
  KalshiVolumeProgress,
} from './spec-calls.js';
export type {
  KalshiCommunications,
  KalshiRfq,
  KalshiQuote,
  KalshiBlockTradeProposal,
  KalshiRfqsQuery,
  KalshiQuotesQuery,
  KalshiBlockTradesQuery,
  KalshiCreateRfq,
  KalshiCreateQuote,
  KalshiAcceptQuote,
  KalshiProposeBlockTrade,
  KalshiAcceptBlockTrade,
} from './communications-calls.js';
export type {
  KalshiSubaccountCalls,
  KalshiSubaccountBalance,
  KalshiSubaccountTransfer,
  KalshiSubaccountTransferInput,
  KalshiSubaccountNetting,
  KalshiExchangeTransfer,
  KalshiExchangeTransferInput,
  KalshiExchangeInstance,
  KalshiCashAmount,
  KalshiTargetAllocation,
  KalshiTargetAllocationInput,
} from './subaccount-calls.js';
export type {
  KalshiFcmCalls,
  KalshiFcmFill,
  KalshiFcmOrder,
  KalshiFcmMarketPosition,
  KalshiFcmEventPosition,
  KalshiFcmPositionsPage,
  KalshiFcmOrdersQuery,
  KalshiFcmPositionsQuery,
  KalshiFcmSubtrader,
  KalshiFcmDailyCap,
} from './fcm-calls.js';
