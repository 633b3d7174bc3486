import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import { AbortedError, NetworkError, ResponseShapeError, TimeoutError } from '../errors.js';

/** The longest NDJSON line accepted by default: 1 MiB (a CS2Cap or CSBoard row is well under 1 KiB). */
export const DEFAULT_NDJSON_MAX_LINE_BYTES = 1024 * 1024;

/** How `ndjsonRows` reads a body. */
export interface NdjsonOptions<T> {
  provider: string;
  path: string;
  /** Every row is parsed with it; a row that does not fit fails the stream naming the row and field. */
  schema: z.ZodType<T>;
  /** Abort if no byte arrives for this long. */
  idleTimeoutMs: number;
  /**
   * The longest line accepted, in bytes of (decompressed) UTF-8, newline excluded (default
   * `DEFAULT_NDJSON_MAX_LINE_BYTES`, 1 MiB). A longer line fails the stream with a
   * `ResponseShapeError` naming the row and the limit as soon as the limit is passed, and
   * the body is destroyed: at most about this much (plus one chunk) is ever buffered.
   */
  maxLineBytes?: number | undefined;
  signal?: AbortSignal | undefined;
  onBytes?: ((compressedBytes: number) => void) | undefined;
}

const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The rows of one decompressed chunk at a time (see `ndjsonRows`). */
async function* ndjsonBatches<T>(body: Readable, options: NdjsonOptions<T>): AsyncGenerator<T[], void, undefined> {
  const { provider, path } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_NDJSON_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError('maxLineBytes must be a positive integer');
  let source: Readable = body;
  let idle: NodeJS.Timeout | undefined;
  let failure: Error | undefined;
  // Settles a read that waits on the body when the stream fails (an abort, a stall): a
  // destroyed body does not always end its iterator (axios's wrapper may already be gone).
  let rejectFailed: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  failed.catch(() => undefined);
  const fail = (error: Error): void => {
    failure ??= error;
    rejectFailed(failure);
    // Destroyed with the error, so a read waiting on the body settles instead of hanging.
    body.destroy(error);
    source.destroy(error);
  };
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => fail(new TimeoutError({ provider, code: 'timeout', path, method: 'GET', retryable: false, message: `${provider} GET ${path}: the stream stalled` })), options.idleTimeoutMs);
  };
  const onAbort = (): void =>
    fail(new AbortedError({ provider, path, method: 'GET', requestSent: true, reason: options.signal?.reason, message: `${provider} GET ${path}: the stream was cancelled by the caller's signal` }));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let lineNo = 0;
  const shapeError = (fieldPath: string, what: string): ResponseShapeError =>
    new ResponseShapeError({ provider, code: 'response_shape', path, method: 'GET', fieldPath, message: `${provider} GET ${path}: ${what}` });
  const tooLong = (): ResponseShapeError => {
    const row = `row ${lineNo + 1}`;
    return shapeError(`${row} (longer than maxLineBytes ${maxLineBytes})`, `${row} is longer than the ${maxLineBytes}-byte line limit (maxLineBytes); the stream was stopped`);
  };
  const parseLine = (line: string): T | undefined => {
    lineNo += 1;
    if (line.trim() === '') return undefined;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw shapeError(`row ${lineNo}`, `row ${lineNo} is not JSON`);
    }
    const parsed = options.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const fieldPath = `row ${lineNo}.${issue?.path.map(String).join('.') ?? ''}`;
    throw shapeError(fieldPath, `unexpected value at ${fieldPath}: ${issue?.message ?? 'invalid'}`);
  };
  // The start of a line whose newline has not arrived yet, as the chunks it came in.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let atStart = true;
  /** The bytes before a newline as text, joined with what is pending (once per line). */
  const takeLine = (chunk: Buffer, from: number, to: number): string => {
    if (pendingBytes + (to - from) > maxLineBytes) throw tooLong();
    let bytes = chunk.subarray(from, to);
    if (pendingBytes > 0) {
      bytes = Buffer.concat([...pending, bytes], pendingBytes + bytes.length);
      pending = [];
      pendingBytes = 0;
    }
    // TextDecoder dropped a leading byte-order mark; JSON.parse would not.
    if (atStart) {
      atStart = false;
      if (bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    }
    return bytes.toString('utf8');
  };

  /** Parse every whole line of `chunk` into `batch`; keep the unfinished end pending. */
  const parseChunk = (chunk: Buffer, batch: T[]): void => {
    let from = 0;
    const first = chunk.indexOf(NEWLINE);
    if (first >= 0) {
      const row = parseLine(takeLine(chunk, 0, first));
      if (row !== undefined) batch.push(row);
      from = first + 1;
      // The lines wholly inside this chunk: decoded at once, split as text (faster than a
      // decode per line). Only a region longer than the limit can hold a line over it.
      const last = chunk.lastIndexOf(NEWLINE);
      if (last > first) {
        const text = chunk.toString('utf8', from, last);
        const check = last - from > maxLineBytes;
        let start = 0;
        for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', start)) {
          const end = nl < 0 ? text.length : nl;
          const lineText = text.slice(start, end);
          if (check && Buffer.byteLength(lineText) > maxLineBytes) throw tooLong();
          const inner = parseLine(lineText);
          if (inner !== undefined) batch.push(inner);
          if (nl < 0) break;
          start = nl + 1;
        }
        from = last + 1;
      }
    }
    if (from < chunk.length) {
      pending.push(chunk.subarray(from));
      pendingBytes += chunk.length - from;
      // Refuse now, before the next chunk: memory stays near the limit.
      if (pendingBytes > maxLineBytes) throw tooLong();
    }
  };

  try {
    arm();
    const chunks = await Promise.race([
      decompressed(
        body,
        (raw) => {
          arm();
          options.onBytes?.(raw.length);
        },
        (gunzip) => (source = gunzip),
      ),
      failed,
    ]);
    const reader = chunks[Symbol.asyncIterator]();
    for (let r = await Promise.race([reader.next(), failed]); !r.done; r = await Promise.race([reader.next(), failed])) {
      const chunk = r.value;
      // The rows of one chunk go out together: one step of this generator per chunk, not per row.
      const batch: T[] = [];
      try {
        parseChunk(chunk, batch);
      } catch (error) {
        // The rows before a bad one are still delivered, then the error.
        if (batch.length) yield batch;
        throw error;
      }
      if (batch.length) yield batch;
    }
    if (failure) throw failure;
    const last = parseLine(takeLine(Buffer.alloc(0), 0, 0));
    if (last !== undefined) yield [last];
  } catch (error) {
    if (failure) throw failure;
    if (error instanceof ResponseShapeError) {
      fail(error);
      throw error;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') {
      throw shapeError('(body)', 'the gzip stream is corrupt or truncated');
    }
    throw new NetworkError({ provider, code: 'network_error', path, method: 'GET', retryable: false, message: `${provider} GET ${path}: the stream broke off (${code ?? 'closed'})` });
  } finally {
    clearTimeout(idle);
    options.signal?.removeEventListener('abort', onAbort);
    body.destroy();
    source.destroy();
  }
}

/**
 * Rows of a (possibly gzipped) NDJSON body as they arrive: gunzip and split as bytes
 * come in, so memory stays flat however large the body. Gzip is detected by its magic
 * bytes, since some servers send a `.gz` body that a proxy already decompressed.
 *
 * Lines are split on the newline byte before decoding (0x0A never occurs inside a UTF-8
 * sequence, so a character split across chunks decodes whole), and the pieces of a line are
 * joined once, when its newline arrives: linear time however long the line. A line longer
 * than `maxLineBytes` (default 1 MiB) fails the stream; `\r\n` endings and a last line
 * without a newline are read.
 *
 * Rows are parsed a chunk at a time and handed out from that batch: a row costs one resolved
 * promise, not a step through a generator per layer (`mapRows` over these rows maps in the
 * same layer).
 */
export function ndjsonRows<T>(body: Readable, options: NdjsonOptions<T>): AsyncGenerator<T, void, undefined> {
  return new BatchedRows<T, T>(ndjsonBatches(body, options), undefined);
}

/** Rows handed out one by one from batches, each mapped (if at all) as it is handed out. */
class BatchedRows<A, T> implements AsyncGenerator<T, void, undefined> {
  readonly #batches: AsyncGenerator<A[], void, undefined>;
  readonly #map: ((row: A) => T) | undefined;
  #batch: A[] = [];
  #index = 0;
  #done = false;
  /** A batch being fetched: a next() meanwhile waits for it (calls are answered in order). */
  #fetching: Promise<unknown> | undefined;

  constructor(batches: AsyncGenerator<A[], void, undefined>, map: ((row: A) => T) | undefined) {
    this.#batches = batches;
    this.#map = map;
  }

  /** The same rows, each mapped by `f` after this layer's own mapping. */
  mapped<B>(f: (row: T) => B): BatchedRows<A, B> {
    const own = this.#map;
    const map = own ? (row: A): B => f(own(row)) : (f as unknown as (row: A) => B);
    return new BatchedRows<A, B>(this.#batches, map);
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#fetching) return this.#fetching.then(() => this.next());
    if (this.#index < this.#batch.length) {
      const row = this.#batch[this.#index]!;
      this.#index += 1;
      if (!this.#map) return Promise.resolve({ value: row as unknown as T, done: false });
      try {
        return Promise.resolve({ value: this.#map(row), done: false });
      } catch (error) {
        // A row the mapping refuses ends the stream, as a throwing loop body would.
        return this.#end().then(() => Promise.reject(error));
      }
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    const fetching = this.#batches.next().then(
      (r) => {
        this.#fetching = undefined;
        if (r.done) this.#done = true;
        else {
          this.#batch = r.value;
          this.#index = 0;
        }
      },
      (error: unknown) => {
        this.#fetching = undefined;
        this.#done = true;
        this.#batch = [];
        throw error;
      },
    );
    this.#fetching = fetching;
    return fetching.then(() => this.next());
  }

  async return(): Promise<IteratorResult<T, void>> {
    await this.#end();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T, void>> {
    await this.#end();
    throw error;
  }

  /** Stop: the body is destroyed and every timer and listener goes (the batches' finally). */
  async #end(): Promise<void> {
    this.#done = true;
    this.#batch = [];
    this.#index = 0;
    await this.#batches.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#end();
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

/** Rows mapped one by one as they stream (over `ndjsonRows`, in the same layer). */
export function mapRows<A, B>(rows: AsyncIterable<A>, f: (a: A) => B): AsyncGenerator<B, void, undefined> {
  if (rows instanceof BatchedRows) return (rows as BatchedRows<unknown, A>).mapped(f);
  return (async function* () {
    for await (const row of rows) yield f(row);
  })();
}
