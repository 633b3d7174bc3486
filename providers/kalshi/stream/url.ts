/** Where the Kalshi WebSocket lives (reference/kalshi.md §1, AsyncAPI `servers`). */

/** The recommended WebSocket URLs per environment. */
export const KALSHI_STREAM_URLS = Object.freeze({
  production: 'wss://external-api-ws.kalshi.com/trade-api/ws/v2',
  demo: 'wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2',
});

// The REST hosts whose WebSocket is on a different host; the others serve both.
const WS_HOSTS: Readonly<Record<string, string>> = {
  'external-api.kalshi.com': 'external-api-ws.kalshi.com',
  'external-api.demo.kalshi.co': 'external-api-ws.demo.kalshi.co',
};

/**
 * The WebSocket URL for a REST root (`https://external-api.kalshi.com/trade-api/v2`,
 * a sandbox's `http://127.0.0.1:4100/trade-api/v2`) or an environment. The REST root's
 * `/trade-api/v2` becomes `/trade-api/ws/v2`; http(s) becomes ws(s).
 */
export function kalshiStreamUrl(input: { baseUrl?: string | undefined; environment?: 'production' | 'demo' | undefined } = {}): string {
  if (input.baseUrl === undefined) return KALSHI_STREAM_URLS[input.environment ?? 'production'];
  const url = new URL(input.baseUrl);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  url.host = WS_HOSTS[url.host] ?? url.host;
  const root = url.pathname.replace(/\/+$/, '');
  url.pathname = root.endsWith('/trade-api/v2') ? `${root.slice(0, -'/trade-api/v2'.length)}/trade-api/ws/v2` : `${root}/trade-api/ws/v2`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
