/** The Kalshi WebSocket client: connection, subscriptions, channel schemas, live order books. */
export { createKalshiStream, KalshiStream, type KalshiStreamEvents, type KalshiStreamOptions, type KalshiStreamStatus, type ServerSubscription, type StreamSchemaErrorEvent, type StreamSigner } from './connection.js';
export { KalshiSubscription, type SequenceGap, type SubscribeOptions, type SubscriptionEvents, type SubscriptionStatus } from './subscription.js';
export { LiveOrderBook, type OrderBookEvents, type OrderBookReadOptions, type OrderBookStatus, type OrderBookView } from './order-book.js';
export { BookState, type BookInconsistency, type BookLevel, type BookLevels, type BookSideName } from './book-state.js';
export { StreamError, STREAM_ERROR_CODES, streamErrorFromFrame, type StreamErrorCodeInfo, type StreamErrorInit } from './errors.js';
export { KALSHI_STREAM_URLS, kalshiStreamUrl } from './url.js';
export type { CommandRate } from './limits.js';
export {
  CHANNEL_MESSAGE_SCHEMAS,
  KALSHI_CHANNELS,
  type ChannelMessage,
  type FillMessage,
  type KalshiChannel,
  type MarketLifecycleMessage,
  type MarketPositionMessage,
  type OrderbookDeltaMessage,
  type OrderbookSnapshotMessage,
  type OrderGroupUpdateMessage,
  type TickerMessage,
  type TradeMessage,
  type UserOrderMessage,
} from './schemas.js';
