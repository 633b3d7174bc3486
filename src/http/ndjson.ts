import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import { NetworkError, ResponseShapeError, TimeoutError } from '../errors.js';

export interface NdjsonOptions<T> {
  provider: string;
  path: string;
  schema: z.ZodType<T>;
  /** Abort if no byte arrives for this long. */
  idleTimeoutMs: number;
  signal?: AbortSignal | undefined;
  onBytes?: ((compressedBytes: number) => void) | undefined;
}

/**
 * Rows of a (possibly gzipped) NDJSON body as they arrive: gunzip and split as bytes
 * come in, so memory stays flat however large the body. Gzip is detected by its magic
 * bytes, since some servers send a `.gz` body that a proxy already decompressed.
 */
export async function* ndjsonRows<T>(body: Readable, options: NdjsonOptions<T>): AsyncGenerator<T, void, undefined> {
  const { provider, path } = options;
  let source: Readable = body;
  let idle: NodeJS.Timeout | undefined;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    body.destroy();
    source.destroy();
  };
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => fail(new TimeoutError({ provider, code: 'timeout', path, method: 'GET', retryable: false, message: `${provider} GET ${path}: the stream stalled` })), options.idleTimeoutMs);
  };
  const onAbort = (): void => fail(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let lineNo = 0;
  let carry = '';
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const parseLine = (line: string): T | undefined => {
    lineNo += 1;
    if (line.trim() === '') return undefined;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ResponseShapeError({ provider, code: 'response_shape', path, method: 'GET', fieldPath: `row ${lineNo}`, message: `${provider} GET ${path}: row ${lineNo} is not JSON` });
    }
    const parsed = options.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const fieldPath = `row ${lineNo}.${issue?.path.map(String).join('.') ?? ''}`;
    throw new ResponseShapeError({ provider, code: 'response_shape', path, method: 'GET', fieldPath, message: `${provider} GET ${path}: unexpected value at ${fieldPath}: ${issue?.message ?? 'invalid'}` });
  };

  try {
    arm();
    const chunks = await decompressed(
      body,
      (raw) => {
        arm();
        options.onBytes?.(raw.length);
      },
      (gunzip) => (source = gunzip),
    );
    for await (const chunk of chunks) {
      carry += decoder.decode(chunk, { stream: true });
      let nl = carry.indexOf('\n');
      while (nl >= 0) {
        const row = parseLine(carry.slice(0, nl));
        carry = carry.slice(nl + 1);
        if (row !== undefined) yield row;
        nl = carry.indexOf('\n');
      }
    }
    if (failure) throw failure;
    carry += decoder.decode();
    const last = parseLine(carry);
    if (last !== undefined) yield last;
  } catch (error) {
    if (failure) throw failure;
    if (error instanceof ResponseShapeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') {
      throw new ResponseShapeError({ provider, code: 'response_shape', path, method: 'GET', fieldPath: '(body)', message: `${provider} GET ${path}: the gzip stream is corrupt or truncated` });
    }
    throw new NetworkError({ provider, code: 'network_error', path, method: 'GET', retryable: false, message: `${provider} GET ${path}: the stream broke off (${code ?? 'closed'})` });
  } finally {
    clearTimeout(idle);
    options.signal?.removeEventListener('abort', onAbort);
    body.destroy();
    source.destroy();
  }
}

/** The body's chunks, gunzipped if the first bytes are gzip's magic number. */
async function decompressed(body: Readable, onRaw: (chunk: Buffer) => void, onGunzip: (gunzip: Readable) => void): Promise<AsyncIterable<Buffer>> {
  const raw = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const it: AsyncIterator<Buffer> = {
    next: async () => {
      const r = await raw.next();
      if (!r.done) onRaw(r.value);
      return r;
    },
  };
  const first = await it.next();
  if (first.done) return (async function* () {})();
  const head = first.value;
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    return (async function* () {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })();
  }
  const gunzip = createGunzip();
  onGunzip(gunzip);
  const pump = async (): Promise<void> => {
    let chunk: Buffer | undefined = head;
    while (chunk) {
      if (!gunzip.write(chunk)) await once(gunzip, 'drain');
      const r = await it.next();
      chunk = r.done ? undefined : r.value;
    }
    gunzip.end();
  };
  pump().catch((e: unknown) => gunzip.destroy(e instanceof Error ? e : new Error(String(e))));
  return gunzip;
}

/** Rows mapped one by one as they stream. */
export async function* mapRows<A, B>(rows: AsyncIterable<A>, f: (a: A) => B): AsyncGenerator<B, void, undefined> {
  for await (const row of rows) yield f(row);
}
