/**
 * The code samples of docs/: every ```ts block there is copied from this file or another
 * example, and test/e2e/docs.test.ts checks that it still is, compiles it (typecheck) and
 * runs these functions against the sandbox.
 */
import {
  AuthenticationError,
  CapabilityError,
  createCs2CapClient,
  createCsboardClient,
  createKalshiClient,
  generateRsaKeyPair,
  MarketError,
  OrderRejectedError,
  OutcomeUnknownError,
  RateLimitError,
  verifyCs2CapWebhook,
  WebhookVerificationError,
  writeSecretFile,
  type Money,
  type SecretString,
} from 'marketmux';
import { csboardErrorDetails } from 'marketmux/csboard';
import { startSandbox, type Sandbox } from 'marketmux/testkit';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function cs2capKeys(sandbox: Sandbox): Promise<number> {
  const cs2cap = createCs2CapClient({ apiKey: sandbox.cs2cap.apiKey, baseUrl: sandbox.cs2cap.baseUrl });
  // Read the key's real rate and apply it; until then the Free tier's 20/min applies.
  const { requestsPerMinute } = await cs2cap.syncLimits();
  // Rotate: never retried; the client switches to the new key at once.
  const rotated = await cs2cap.reissueKey();
  const newKey = rotated.key.reveal(); // store it now: it is shown once
  await cs2cap.close();
  return newKey.length > 0 ? requestsPerMinute : 0;
}

export async function cs2capWebhooks(sandbox: Sandbox): Promise<string[]> {
  const cs2cap = createCs2CapClient({ apiKey: sandbox.cs2cap.apiKey, baseUrl: sandbox.cs2cap.baseUrl });
  const alerts: string[] = [];
  const seen = new Set<string>();
  const secrets = new Map<string, SecretString>(); // stands in for your secret store
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        // The raw body, as received: a re-serialized object would not verify.
        const delivery = verifyCs2CapWebhook({ headers: req.headers, body: Buffer.concat(chunks), secret: secrets.get('cs2cap-webhook') ?? '' });
        // A retried delivery repeats its id: act on each one once.
        if (delivery.deliveryId && !seen.has(delivery.deliveryId)) {
          seen.add(delivery.deliveryId);
          alerts.push(String(delivery.payload.market_hash_name));
        }
        res.writeHead(204).end();
      } catch (error) {
        res.writeHead(error instanceof WebhookVerificationError ? 401 : 500).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cs2cap`;
  const created = await cs2cap.webhooks.create({ label: 'price bot', url }); // Quant
  secrets.set('cs2cap-webhook', created.secret); // shown once: store it now
  await sandbox.cs2cap.server.deliverAlert(sandbox.cs2cap.apiKey, { alert_id: 'al_1', market_hash_name: 'AK-47 | Redline (Field-Tested)' });
  await cs2cap.webhooks.delete(created.webhook.id);
  await cs2cap.close();
  await new Promise((resolve) => receiver.close(resolve));
  return alerts;
}

export async function csboardResults(sandbox: Sandbox): Promise<Money | undefined> {
  const csboard = createCsboardClient({ apiKey: sandbox.csboard.apiKey, baseUrl: sandbox.csboard.baseUrl });
  try {
    const [listing] = (await csboard.listListings({ search: 'AK-47 | Redline', limit: 1 })).items;
    const price = listing?.price_usd; // { currency: 'USD', amount: '14.37' }, never 14.37
    return price;
  } finally {
    await csboard.close();
  }
}

export async function csboardBuying(sandbox: Sandbox): Promise<string> {
  const csboard = createCsboardClient({ apiKey: sandbox.csboard.tradingApiKey, baseUrl: sandbox.csboard.baseUrl, trading: true });
  const [cheapest] = (await csboard.listListings({ search: 'AWP | Asiimov', sort: 'price_asc', limit: 1 })).items;
  if (!cheapest) return 'nothing listed';
  try {
    const order = await csboard.placeOrder({
      itemIds: [cheapest.id],
      maxPriceUsd: 30, // required: the server refuses the order if the live total is higher
      // idempotencyKey: generated once per call and sent on every attempt when omitted
    });
    return order.order_id;
  } catch (error) {
    if (error instanceof OrderRejectedError && error.providerCode === 'price_moved') {
      return `moved to ${csboardErrorDetails(error).current_total_usd?.amount ?? 'an unknown total'}`;
    }
    throw error;
  } finally {
    await csboard.close();
  }
}

export async function csboardSnapshot(sandbox: Sandbox): Promise<number> {
  const csboard = createCsboardClient({ apiKey: sandbox.csboard.apiKey, baseUrl: sandbox.csboard.baseUrl });
  let rows = 0;
  const snap = await csboard.downloadSnapshot({ etag: undefined });
  if (snap.status === 'ok') {
    for await (const row of snap.rows) rows += row.qty > 0 ? 1 : 0; // streamed: constant memory
    // keep snap.etag; next time pass it as { etag } and get { status: 'unchanged' } on 304
  }
  await csboard.close();
  return rows;
}

export async function kalshiKeys(sandbox: Sandbox): Promise<string> {
  const { privateKeyPem, publicKeyPem } = await generateRsaKeyPair({ bits: 2048 });
  const admin = createKalshiClient({ keyId: sandbox.kalshi.keyId, privateKeyPem: sandbox.kalshi.privateKeyPem, baseUrl: sandbox.kalshi.baseUrl });
  try {
    const { api_key_id } = await admin.apiKeys.create({ name: 'bot', publicKeyPem }); // Premier tier and above
    return api_key_id;
  } catch (error) {
    if (!(error instanceof MarketError) || error.status !== 403) throw error;
    const generated = await admin.apiKeys.generate({ name: 'bot' }); // any tier: Kalshi makes the pair
    await writeSecretFile(`/tmp/kalshi-${generated.api_key_id}.pem`, generated.private_key.reveal()); // 0600, never overwrites
    void privateKeyPem;
    return generated.api_key_id;
  } finally {
    await admin.close();
  }
}

export async function kalshiOrder(sandbox: Sandbox): Promise<string> {
  const kalshi = createKalshiClient({ keyId: sandbox.kalshi.keyId, privateKeyPem: sandbox.kalshi.privateKeyPem, baseUrl: sandbox.kalshi.baseUrl });
  const book = await kalshi.getOrderbook('KXFEDDECISION-26DEC-C25');
  console.log('best YES bid', book.bestYesBid?.amount, 'best YES ask', book.bestYesAsk?.amount);
  const order = await kalshi.createOrder({ ticker: 'KXFEDDECISION-26DEC-C25', side: 'bid', count: '5', price: '0.40', timeInForce: 'good_till_canceled' });
  await kalshi.cancelOrder(order.order_id, { ticker: 'KXFEDDECISION-26DEC-C25' });
  await kalshi.close();
  return order.client_order_id;
}

export async function handlingErrors(sandbox: Sandbox): Promise<string> {
  const csboard = createCsboardClient({ apiKey: sandbox.csboard.apiKey, baseUrl: sandbox.csboard.baseUrl });
  try {
    await csboard.placeOrder({ itemIds: ['itm_8840001'], maxPriceUsd: 10 });
    return 'bought';
  } catch (error) {
    if (error instanceof CapabilityError) return 'read-only key: nothing was sent';
    if (error instanceof AuthenticationError) return 'fix the key: the client will not use it again';
    if (error instanceof RateLimitError) return `wait ${error.retryAfterMs} ms`;
    if (error instanceof OutcomeUnknownError) return `look order ${error.idempotencyKey} up before trying again`;
    if (error instanceof MarketError) return `${error.name} ${error.code} ${error.providerCode ?? ''}`;
    throw error;
  } finally {
    await csboard.close();
  }
}

export async function sharedQuota(redisUrl: string, sandbox: Sandbox): Promise<void> {
  const csboard = createCsboardClient({
    apiKey: sandbox.csboard.apiKey,
    baseUrl: sandbox.csboard.baseUrl,
    redis: { url: redisUrl }, // every process on this key shares one quota
    // redis: { url: redisUrl, onRedisDown: 'local', processes: 4 }  // or fall back to a quarter each
  });
  await csboard.getBalance();
  await csboard.close();
}

export async function events(sandbox: Sandbox): Promise<number> {
  let retries = 0;
  const cs2cap = createCs2CapClient({
    apiKey: sandbox.cs2cap.apiKey,
    baseUrl: sandbox.cs2cap.baseUrl,
    rateLimit: { default: { limit: 100, windowMs: 60_000 } },
    retry: { retries: 3, maxRetryTimeMs: 30_000 },
    on: {
      retry: (e) => (retries += 1) && console.warn(`retrying ${e.method} ${e.path} after ${e.error.code}`),
      rateLimited: (e) => console.warn(`${e.provider} paused ${e.retryAfterMs} ms (${e.source})`),
    },
  });
  await cs2cap.getFxRates();
  await cs2cap.close();
  return retries;
}

export async function sandboxForTests(): Promise<void> {
  const sandbox = await startSandbox();
  sandbox.csboard.server.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/orders' }); // lose the next answer
  // … run your bot against sandbox.env / sandbox.csboard.baseUrl …
  await sandbox.close();
}

export async function eventsAndLogging(sandbox: Sandbox): Promise<string[]> {
  const latencies: number[] = [];
  const alerts: string[] = [];
  const cs2cap = createCs2CapClient({
    apiKey: sandbox.cs2cap.apiKey,
    baseUrl: sandbox.cs2cap.baseUrl,
    on: {
      response: (e) => latencies.push(e.durationMs),
      error: (e) => alerts.push(`${e.provider} ${e.path}: ${e.error.name} after ${e.attempts} attempts`),
    },
  });
  await cs2cap.portfolios.items('no-such-portfolio').catch(() => undefined);
  await cs2cap.close();
  // Any object with debug, info, warn and error: console, pino(), a winston logger.
  const kalshi = createKalshiClient({ baseUrl: sandbox.kalshi.baseUrl, logger: console, logLevel: 'warn' });
  await kalshi.getExchangeStatus();
  await kalshi.close();
  return latencies.length > 0 ? alerts : [];
}

export async function kalshiRfq(sandbox: Sandbox): Promise<string> {
  const maker = await sandbox.kalshi.server.createUser({ balanceUsd: 100 });
  const a = createKalshiClient({ keyId: sandbox.kalshi.keyId, privateKeyPem: sandbox.kalshi.privateKeyPem, baseUrl: sandbox.kalshi.baseUrl });
  const b = createKalshiClient({ keyId: maker.keyId, privateKeyPem: maker.privateKeyPem, baseUrl: sandbox.kalshi.baseUrl });
  // User A asks for 10 contracts; user B quotes; A takes B's YES bid; B confirms.
  const { id: rfqId } = await a.communications.rfqs.create({ ticker: 'KXFEDDECISION-26DEC-C25', contracts: 10, restRemainder: false });
  const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0.40', noBid: '0.55', restRemainder: false });
  await a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' }); // B buys YES at 0.40, A gets NO at 0.60
  await b.communications.rfqs.quotes.confirm(rfqId, quoteId);                  // executes: both see the fill
  const fills = await b.getFills({ ticker: 'KXFEDDECISION-26DEC-C25' });
  await a.close();
  await b.close();
  return fills.fills[0]?.outcome_side ?? 'none';
}

export async function lists(sandbox: Sandbox): Promise<{ firstPage: number; all: number }> {
  const kalshi = createKalshiClient({ baseUrl: sandbox.kalshi.baseUrl });
  const markets = kalshi.listMarkets({ status: 'open', limit: 2 });
  const page = await markets; // one page: { markets, cursor }
  const tickers: string[] = [];
  for await (const market of markets) tickers.push(market.ticker); // every market, from that page on
  await kalshi.close();
  return { firstPage: page.markets.length, all: tickers.length };
}
