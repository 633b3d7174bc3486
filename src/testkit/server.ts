/**
 * Plumbing shared by the sandbox servers: a small router on node:http bound to
 * 127.0.0.1, a request log, a rolling-window counter and fault injection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /**
   * The body parsed as JSON when it is JSON (no Content-Type, `application/json`, or a
   * `+json` type); `undefined` for any other Content-Type (CSV, form data), which only
   * `rawBody` holds.
   */
  body: unknown;
  /** The body's bytes as received (empty when there is none); at most `maxBodyBytes`. */
  rawBody: Buffer;
}

/** The default cap on a request body; a larger one is answered 413 unread. */
export const SANDBOX_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Whether a Content-Type is JSON, or absent (then the body is read as JSON, as it always was). */
function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === '' || essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

export interface SandboxResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes instead of JSON. */
  raw?: Buffer | undefined;
  /** A streamed body (large downloads). */
  stream?: Readable | undefined;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** What a fault does. */
export type FaultKind =
  /** Wait `delayMs`, then answer normally. */
  | 'latency'
  /** Answer `status` with `body` instead of handling. */
  | 'status'
  /** Destroy the connection before handling: nothing happened. */
  | 'reset-before'
  /** Handle (commit the write), then destroy the connection: the answer is lost. */
  | 'reset-after'
  /** Answer 200 with a body that is not JSON. */
  | 'malformed'
  /** Handle, send half the body, then destroy the connection. */
  | 'truncate'
  /** Never answer. */
  | 'hang';

/** A fault to inject into matching requests. */
export interface Fault {
  kind: FaultKind;
  method?: string | undefined;
  /** Matches the request path (a string is a prefix). */
  path?: string | RegExp | undefined;
  /** How many matching requests it hits (default 1). */
  times?: number | undefined;
  status?: number | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  delayMs?: number | undefined;
  /** For `truncate` on a streamed body: bytes sent before the connection is cut. */
  afterBytes?: number | undefined;
}

/** One request the sandbox received. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  at: number;
  status?: number;
  /** Authorization, trimmed to a fingerprint so logs stay safe to print. */
  auth?: string | undefined;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** The HTTP side of a sandbox: routes, a request log, fault injection. */
export class SandboxServer {
  readonly name: string;
  readonly requests: LoggedRequest[] = [];
  readonly #routes: Route[] = [];
  readonly #faults: (Fault & { left: number })[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #server: http.Server;
  #port = 0;

  /** The request header that identifies the caller, fingerprinted in the log. */
  readonly #authHeader: string;

  /** The largest request body read, in bytes; a larger one is answered 413 and not handled. */
  maxBodyBytes = SANDBOX_MAX_BODY_BYTES;

  constructor(name: string, authHeader = 'authorization') {
    this.name = name;
    this.#authHeader = authHeader;
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server.keepAliveTimeout = 5_000;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.route('POST', '/__sandbox/faults', (req) => {
      // `curl -d` sends form-encoded: the fault's JSON is read whatever the Content-Type says.
      this.inject((req.body ?? JSON.parse(req.rawBody.toString('utf8'))) as Fault);
      return { status: 204 };
    });
    this.route('DELETE', '/__sandbox/faults', () => {
      this.clearFaults();
      return { status: 204 };
    });
  }

/** Serve `method path` (`:name` segments become params). */
  route(method: string, path: string, handler: Handler): void {
    const names: string[] = [];
    const pattern = new RegExp(
      '^' + path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) + '$',
    );
    this.#routes.push({ method, pattern, names, handler });
  }

  /** Add a fault; it hits the next `times` matching requests. */
  inject(fault: Fault): void {
    this.#faults.push({ ...fault, left: fault.times ?? 1 });
  }

/** Drop every pending fault. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

/** Listen on 127.0.0.1 (port 0: any free one); returns the origin. */
  async listen(port = 0): Promise<string> {
    // A port in use is an error to the caller, not an uncaught crash.
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.#port}`;
  }

/** The underlying node:http server (to serve WebSocket upgrades on the same port). */
  get httpServer(): http.Server {
    return this.#server;
  }

/** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

/** Stop, cutting open connections. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const i = this.#faults.findIndex(
      (f) =>
        f.left > 0 &&
        (!f.method || f.method === method) &&
        (!f.path || (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const fault = this.#faults[i]!;
    fault.left -= 1;
    if (fault.left <= 0) this.#faults.splice(i, 1);
    return fault;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const auth = req.headers[this.#authHeader] as string | undefined;
    const entry: LoggedRequest = { method, path: url.pathname, query: url.search, at: Date.now(), auth: auth ? auth.slice(-6) : undefined };
    if (!url.pathname.startsWith('/__sandbox')) this.requests.push(entry);
    const rawBody = await this.#readBody(req);
    if (!rawBody) {
      entry.status = 413;
      // Answered unread; the connection closes so the rest of the body is not waited for.
      res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
      return void res.end(JSON.stringify({ code: 'PAYLOAD_TOO_LARGE', detail: `Request body larger than ${this.maxBodyBytes} bytes` }));
    }

    const fault = url.pathname.startsWith('/__sandbox') ? undefined : this.#takeFault(method, url.pathname);
    if (fault?.kind === 'reset-before') return void req.socket.destroy();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.delayMs ?? 500));
    if (fault?.kind === 'status') {
      entry.status = fault.status ?? 503;
      return this.#send(res, { status: entry.status, body: fault.body, headers: fault.headers });
    }
    if (fault?.kind === 'malformed') {
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"items": [ {"this is": not json');
    }

    let response: SandboxResponse;
    try {
      response = await this.#dispatch(method, url, req.headers, rawBody);
    } catch (error) {
      response = { status: 500, body: { code: 'internal', detail: error instanceof Error ? error.message : 'error' } };
    }
    entry.status = response.status;
    if (fault?.kind === 'reset-after') return void req.socket.destroy();
    if (fault?.kind === 'truncate' && response.stream) {
      res.writeHead(response.status, response.headers);
      let sent = 0;
      const limit = fault.afterBytes ?? 64 * 1024;
      response.stream.on('data', (chunk: Buffer) => {
        if (sent >= limit) return;
        sent += chunk.length;
        res.write(chunk);
        if (sent >= limit) {
          response.stream?.destroy();
          setTimeout(() => req.socket.destroy(), 20);
        }
      });
      return;
    }
    if (fault?.kind === 'truncate') {
      const bytes = response.raw ?? Buffer.from(JSON.stringify(response.body ?? null));
      res.writeHead(response.status, { 'Content-Type': 'application/json', 'Content-Length': String(bytes.length), ...response.headers });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    this.#send(res, response);
  }

  /**
   * The body, or `undefined` when it is larger than `maxBodyBytes`: a declared length over it
   * is not read at all; a chunked one is drained past the cap without being kept.
   */
  async #readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
    if (Number(req.headers['content-length'] ?? 0) > this.maxBodyBytes) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= this.maxBodyBytes) chunks.push(chunk as Buffer);
    }
    return size > this.maxBodyBytes ? undefined : Buffer.concat(chunks);
  }

  async #dispatch(method: string, url: URL, headers: http.IncomingHttpHeaders, rawBody: Buffer): Promise<SandboxResponse> {
    let pathMatched = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      let body: unknown;
      if (rawBody.length && isJsonContentType(headers['content-type'])) {
        try {
          body = JSON.parse(rawBody.toString('utf8'));
        } catch {
          return { status: 400, body: { code: 'invalid_json', detail: 'body is not JSON' } };
        }
      }
      return route.handler({ method, path: url.pathname, params, query: url.searchParams, headers, body, rawBody });
    }
    return pathMatched ? { status: 405, body: { detail: 'method not allowed' } } : { status: 404, body: { detail: 'Not Found' } };
  }

  #send(res: http.ServerResponse, response: SandboxResponse): void {
    if (response.stream) {
      const stream = response.stream;
      res.writeHead(response.status, response.headers);
      // A client that hangs up ends the stream too.
      res.on('close', () => stream.destroy());
      stream.pipe(res);
      return;
    }
    if (response.raw) {
      res.writeHead(response.status, { 'Content-Length': String(response.raw.length), ...response.headers });
      res.end(response.raw);
      return;
    }
    if (response.body === undefined || response.status === 204 || response.status === 304) {
      res.writeHead(response.status, response.headers);
      res.end();
      return;
    }
    const text = JSON.stringify(response.body);
    res.writeHead(response.status, { 'Content-Type': 'application/json', ...response.headers });
    res.end(text);
  }
}

/** Server-side rolling window: at most `limit` arrivals in any `windowMs`. */
export class RollingWindowCounter {
  readonly #hits = new Map<string, number[]>();
  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  /** Count a hit; returns ms to wait if over the limit (the hit is then not counted). */
  hit(key: string, now = Date.now()): number {
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (hits.length >= this.limit) {
      this.#hits.set(key, hits);
      return hits[0]! + this.windowMs - now;
    }
    hits.push(now);
    this.#hits.set(key, hits);
    return 0;
  }

  /** Hits left in the window now, and ms until the oldest counted hit leaves it. */
  peek(key: string, now = Date.now()): { remaining: number; resetMs: number } {
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    return { remaining: Math.max(0, this.limit - hits.length), resetMs: hits.length ? hits[0]! + this.windowMs - now : 0 };
  }
}

/** A deterministic PRNG so seeded data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function bearer(headers: http.IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return undefined;
  return h.slice('Bearer '.length).trim();
}

export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** What every provider sandbox shares: its server, started on 127.0.0.1 under an API root. */
export abstract class ProviderSandbox {
  abstract readonly server: SandboxServer;
  /** The API root's path, e.g. `/v1`. */
  protected abstract readonly root: string;
  #baseUrl = '';

  /** Work to finish before the first request is served. */
  protected async prepare(): Promise<void> {}

/** Start on 127.0.0.1; returns the API root URL. */
  async start(port = 0): Promise<string> {
    await this.prepare();
    this.#baseUrl = (await this.server.listen(port)) + this.root;
    return this.#baseUrl;
  }

/** The API root URL once started. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

/** Stop the server. */
  close(): Promise<void> {
    return this.server.close();
  }
}
