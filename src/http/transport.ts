import type { AxiosAdapter, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { STREAM_ACCEPT_ENCODING } from './stream-encoding.js';

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
  /** The body, already serialized: JSON text, or raw bytes (a plain Uint8Array is sent through a Buffer over it). */
  data?: string | Buffer | Uint8Array | undefined;
  headers: Record<string, string>;
  signal: AbortSignal;
  responseType: 'text' | 'stream';
}

export interface Transport {
  /**
   * The hardened axios instance the requests go through (loaded with the first request, or
   * by this call): for a benchmark's bare anchor, never for a provider's calls.
   */
  instance(): Promise<AxiosInstance>;
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

type AxiosModule = typeof import('axios');
/** One transport's axios side: its instance, the adapter it resolved, the headers class. */
interface Wired {
  instance: AxiosInstance;
  adapter: AxiosAdapter;
  AxiosHeaders: AxiosModule['AxiosHeaders'];
}
/** A request config merged once per method and response type, and the axios it is for. */
interface Template {
  config: InternalAxiosRequestConfig;
  wired: Wired;
}
let axiosModule: Promise<AxiosModule> | undefined;
/**
 * axios is loaded when the first client is built (and awaited by its first request), not at
 * import: it is most of what importing a provider would otherwise cost, and a program that
 * builds no client (a CLI's `--help`, a script that only reads types or errors) never needs it.
 */
function loadAxios(): Promise<AxiosModule> {
  const loading = (axiosModule ??= import('axios'));
  // A failed load (a broken install) is not cached: the next request tries again.
  loading.catch(() => {
    if (axiosModule === loading) axiosModule = undefined;
  });
  return loading;
}

/**
 * The body as axios's adapter takes it: a string or a Buffer as it is; a plain Uint8Array
 * (which the adapter refuses) as a Buffer over the same bytes, not a copy.
 */
function sendable(data: TransportRequest['data']): string | Buffer | undefined {
  if (data === undefined || typeof data === 'string' || Buffer.isBuffer(data)) return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Whether `error` is one axios raised, told by the flag axios sets on its errors rather than
 * `instanceof`: the sender need not load axios to classify a failure, and an axios copy
 * other than ours (a second install) is recognised too.
 */
export function isAxiosError(error: unknown): error is Error & { isAxiosError: true; code?: string | undefined } {
  return error instanceof Error && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

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
  // Start loading axios now, in the background: a program that builds a client and does
  // anything else before its first call finds it loaded; the first request awaits it anyway.
  loadAxios().catch(() => undefined);
  // The axios side is built with the first request (or instance() call).
  let wiring: Promise<Wired> | undefined;
  const wire = (): Promise<Wired> => {
    if (wiring) return wiring;
    const building = loadAxios().then(({ default: axios, AxiosHeaders }): Wired => {
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
      return { instance, adapter, AxiosHeaders };
    });
    wiring = building;
    // A failed load is not remembered: the next request tries again.
    building.catch(() => {
      if (wiring === building) wiring = undefined;
    });
    return building;
  };
  const templates = new Map<string, Promise<Template>>();
  const ready = new Map<string, Template>();
  const template = (key: string, method: string, responseType: 'text' | 'stream'): Promise<Template> => {
    let found = templates.get(key);
    if (!found) {
      const capturing = wire().then(
        (wired) =>
          new Promise<Template>((resolve, reject) => {
            wired.instance
              .request({
                method,
                url: '/',
                responseType,
                decompress: responseType !== 'stream',
                // A streamed body (a snapshot, a bulk stream) may be larger than any one text
                // answer: its reader bounds each line instead (ndjson.ts maxLineBytes). It asks
                // only for what its reader reads (axios alone would offer br and deflate too).
                ...(responseType === 'stream' ? { maxContentLength: -1, headers: { 'Accept-Encoding': STREAM_ACCEPT_ENCODING } } : {}),
                transformResponse: identity,
                adapter: (config) => {
                  const captured = { config, wired };
                  ready.set(key, captured);
                  resolve(captured);
                  return Promise.reject(new Error('template captured'));
                },
              })
              .catch(() => undefined)
              .finally(() => reject(new Error('axios did not reach its adapter')));
          }),
      );
      capturing.catch(() => {
        if (templates.get(key) === capturing) templates.delete(key);
      });
      found = capturing;
      templates.set(key, found);
    }
    return found;
  };
  const send = ({ config, wired }: Template, request: TransportRequest): Promise<AxiosResponse> => {
    const headers = new wired.AxiosHeaders(config.headers);
    for (const name in request.headers) headers.set(name, request.headers[name]);
    return wired.adapter({ ...config, adapter: undefined, url: request.url, data: sendable(request.data), headers, signal: request.signal } as InternalAxiosRequestConfig);
  };
  return {
    instance: () => wire().then((wired) => wired.instance),
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
