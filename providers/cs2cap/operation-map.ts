/**
 * Which call of the hand-written client serves each operation of the spec (and of the four
 * routes only the mdx docs list): operationId → the client's method, as a dotted path
 * (`subKeys.get`). The coverage test holds it equal to the generated operation table.
 */
import type { Cs2CapOperationId } from './generated/operations.js';

/** operationId → the client method that sends it (see the file comment). */
export const CS2CAP_CLIENT_OPERATIONS: Readonly<Partial<Record<Cs2CapOperationId, string>>> = {
  listPrices: 'getPrices',
  streamFullPricesSnapshot: 'streamPrices',
  getPriceHistory: 'getPriceHistory',
  getPriceCandles: 'getPriceCandles',
  batchPriceLookup: 'getPricesBatch',
  listBids: 'getBids',
  streamFullBidsSnapshot: 'streamBids',
  listRecentSales: 'getSales',
  getFxRates: 'getFxRates',
  listItems: 'listItems',
  listProviders: 'getProviders',
  getArbitrageOpportunities: 'getArbitrage',
  getKeyInfo: 'getKeyInfo',
  reissueKey: 'reissueKey',
  listSubKeys: 'subKeys.list',
  createSubKey: 'subKeys.create',
  deleteSubKey: 'subKeys.revoke',
  getSubKey: 'subKeys.get',
  updateSubKey: 'subKeys.update',
  reissueSubKey: 'subKeys.reissue',
  batchBidLookup: 'getBidsBatch',
  listWatchlist: 'watchlist.list',
  createWatchlistEntries: 'watchlist.add',
  deleteWatchlistEntry: 'watchlist.remove',
  listAlerts: 'alerts.list',
  createAlert: 'alerts.create',
  createAlertsBatch: 'alerts.createBatch',
  updateAlert: 'alerts.update',
  deleteAlert: 'alerts.delete',
  listAlertEvents: 'alerts.events',
  listWebhooks: 'webhooks.list',
  createWebhook: 'webhooks.create',
  updateWebhook: 'webhooks.update',
  deleteWebhook: 'webhooks.delete',
  rotateWebhookSecret: 'webhooks.rotateSecret',
  listWebhookDeliveries: 'webhooks.deliveries',
  getWebhookDelivery: 'webhooks.getDelivery',
};
