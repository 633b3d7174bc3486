import axios, { type AxiosInstance } from 'axios';
import http from 'node:http';
import https from 'node:https';

export interface TransportOptions {
  baseUrl: string;
  /** Largest body accepted, in bytes (JSON answers; streams are not capped). */
  maxContentLength?: number | undefined;
  userAgent?: string | undefined;
}

export interface Transport {
  readonly axios: AxiosInstance;
  /** The path part of the base URL, without a trailing slash (e.g. `/trade-api/v2`). */
  readonly basePath: string;
  close(): void;
}

const DEFAULT_MAX_CONTENT = 32 * 1024 * 1024;

/**
 * One hardened axios instance per client: relative URLs only (a caller's path can never
 * point the key at another host), no redirects (a redirect could carry the key elsewhere),
 * a body cap, keep-alive agents, and every status handed back to us to map.
 */
export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError(`unsupported base URL protocol ${base.protocol}`);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  const instance = axios.create({
    baseURL: base.toString().replace(/\/$/, ''),
    allowAbsoluteUrls: false,
    maxRedirects: 0,
    maxContentLength: options.maxContentLength ?? DEFAULT_MAX_CONTENT,
    maxBodyLength: options.maxContentLength ?? DEFAULT_MAX_CONTENT,
    httpAgent,
    httpsAgent,
    proxy: false,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    headers: { 'User-Agent': options.userAgent ?? 'marketmux/0.1', Accept: 'application/json' },
  });
  return {
    axios: instance,
    basePath: base.pathname.replace(/\/$/, ''),
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
