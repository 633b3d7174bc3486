import axios, { AxiosHeaders, type AxiosAdapter, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import http from 'node:http';
import https from 'node:https';

export interface TransportOptions {
  baseUrl: string;
  /** Largest body accepted, in bytes (JSON answers; streams are not capped). */
  maxContentLength?: number | undefined;
  userAgent?: string | undefined;
}

/** One request as the sender hands it over: everything that varies per attempt. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, relative to the base URL. */
  url: string;
  /** The body, already serialized (JSON text). */
  data?: string | undefined;
  headers: Record<string, string>;
  signal: AbortSignal;
  responseType: 'text' | 'stream';
}

export interface Transport {
  readonly axios: AxiosInstance;
  /** The path part of the base URL, without a trailing slash (e.g. `/trade-api/v2`). */
  readonly basePath: string;
  /**
   * Send one request through the instance's own adapter with a config merged once per
   * method and response type. The answer (any status) is the adapter's: the body as text
   * or a stream, never transformed.
   */
  request(request: TransportRequest): Promise<AxiosResponse>;
  close(): void;
}

const DEFAULT_MAX_CONTENT = 32 * 1024 * 1024;
const identity = (data: unknown): unknown => data;

/**
 * One hardened axios instance per client: relative URLs only (a caller's path can never
 * point the key at another host), no redirects (a redirect could carry the key elsewhere),
 * a body cap, keep-alive agents, and every status handed back to us to map.
 *
 * Calls skip `instance.request()`: it merges the whole default config into each call
 * (mergeConfig, header flattening, option validation: ~6% of a call's CPU). The merge is
 * done once per method and response type, by the instance's own pipeline (a capturing
 * adapter), so the config the adapter sees is exactly the one axios would have built.
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
  const adapter = axios.getAdapter(instance.defaults.adapter, instance.defaults as unknown as InternalAxiosRequestConfig) as AxiosAdapter;
  const templates = new Map<string, Promise<InternalAxiosRequestConfig>>();
  const ready = new Map<string, InternalAxiosRequestConfig>();
  const template = (key: string, method: string, responseType: 'text' | 'stream'): Promise<InternalAxiosRequestConfig> => {
    let found = templates.get(key);
    if (!found) {
      found = new Promise<InternalAxiosRequestConfig>((resolve, reject) => {
        instance
          .request({
            method,
            url: '/',
            responseType,
            decompress: responseType !== 'stream',
            transformResponse: identity,
            adapter: (config) => {
              ready.set(key, config);
              resolve(config);
              return Promise.reject(new Error('template captured'));
            },
          })
          .catch(() => undefined)
          .finally(() => reject(new Error('axios did not reach its adapter')));
      });
      templates.set(key, found);
    }
    return found;
  };
  const send = (t: InternalAxiosRequestConfig, request: TransportRequest): Promise<AxiosResponse> => {
    const headers = new AxiosHeaders(t.headers);
    for (const name in request.headers) headers.set(name, request.headers[name]);
    return adapter({ ...t, adapter: undefined, url: request.url, data: request.data, headers, signal: request.signal } as InternalAxiosRequestConfig);
  };
  return {
    axios: instance,
    basePath: base.pathname.replace(/\/$/, ''),
    request(request) {
      const key = request.responseType === 'text' ? request.method : `${request.method} stream`;
      const t = ready.get(key);
      if (t) return send(t, request);
      return template(key, request.method, request.responseType).then((config) => send(config, request));
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
