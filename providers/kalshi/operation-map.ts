/**
 * Which call of the hand-written client serves each operation of reference/kalshi-openapi.yaml:
 * operationId → the client's method, as a dotted path (`apiKeys.list`). The coverage test
 * (test/contract/kalshi-coverage.test.ts) holds it, plus its list of operations not yet
 * served, equal to the generated operation table.
 */
import type { KalshiOperationId } from './generated/operations.js';

/** operationId → the client method that sends it (see the file comment). */
export const KALSHI_CLIENT_OPERATIONS: Readonly<Partial<Record<KalshiOperationId, string>>> = {
  GetExchangeStatus: 'getExchangeStatus',
  GetMarkets: 'listMarkets',
  GetMarket: 'getMarket',
  GetMarketOrderbook: 'getOrderbook',
  GetMarketOrderbooks: 'getOrderbooks',
  GetTrades: 'listTrades',
  GetEvents: 'listEvents',
  GetEvent: 'getEvent',
  GetBalance: 'getBalance',
  GetPositions: 'getPositions',
  GetFills: 'getFills',
  GetOrders: 'listOrders',
  GetOrder: 'getOrder',
  CreateOrderV2: 'createOrder',
  CancelOrderV2: 'cancelOrder',
  AmendOrderV2: 'amendOrder',
  DecreaseOrderV2: 'decreaseOrder',
  BatchCreateOrdersV2: 'batchCreateOrders',
  BatchCancelOrdersV2: 'batchCancelOrders',
  CancelAllOrders: 'cancelAllOrders',
  GetAccountApiLimits: 'syncLimits',
  GetApiKeys: 'apiKeys.list',
  CreateApiKey: 'apiKeys.create',
  GenerateApiKey: 'apiKeys.generate',
  DeleteApiKey: 'apiKeys.delete',
  GetExchangeSchedule: 'getExchangeSchedule',
  GetUserDataTimestamp: 'getUserDataTimestamp',
  GetSeriesFeeChanges: 'getSeriesFeeChanges',
  GetSeries: 'getSeries',
  GetSeriesList: 'listSeries',
  GetEventMetadata: 'getEventMetadata',
  GetOrderQueuePositions: 'getQueuePositions',
  GetOrderQueuePosition: 'getQueuePosition',
  GetPortfolioRestingOrderTotalValue: 'getRestingOrderValue',
  GetAccountEndpointCosts: 'getEndpointCosts',
  GetHistoricalCutoff: 'getHistoricalCutoff',
  GetMarketCandlesticks: 'getCandlesticks',
  BatchGetMarketCandlesticks: 'getCandlesticksBatch',
  GetMarketCandlesticksByEvent: 'getEventCandlesticks',
  GetDeposits: 'listDeposits',
  GetWithdrawals: 'listWithdrawals',
  GetOrderGroups: 'orderGroups.list',
  GetOrderGroup: 'orderGroups.get',
  CreateOrderGroup: 'orderGroups.create',
  DeleteOrderGroup: 'orderGroups.delete',
  ResetOrderGroup: 'orderGroups.reset',
  TriggerOrderGroup: 'orderGroups.trigger',
  UpdateOrderGroupLimit: 'orderGroups.updateLimit',
};
