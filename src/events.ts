/** What every event says about the call it belongs to. */
export interface CallEventBase {
  /** The provider's id (a client's `id`, as in `MarketError.provider`). */
  provider: string;
  /** The HTTP method, upper case. */
  method: string;
  /** The request path without its query, secrets scrubbed (a key id in a path is never shown). */
  path: string;
}

/** An attempt is about to be sent (after the quota let it through). */
export interface RequestEvent extends CallEventBase {
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** The limit class the attempt was counted in (`read`, `write`, `snapshot`, …). */
  limitClass: string;
}

/** An attempt got an answer (any status). */
export interface ResponseEvent extends CallEventBase {
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** The HTTP status. */
  status: number;
  /** From sending the attempt to its answer's headers, ms. */
  durationMs: number;
  /** The provider's request id, when it sent one (scrubbed). */
  requestId?: string | undefined;
}

/** The name, code and status of an error, without its message (for retries). */
export interface EventErrorSummary {
  /** The error class's name (`RateLimitError`, `NetworkError`, …). */
  name: string;
  /** Its `code` (see docs/errors.md). */
  code: string;
  /** The HTTP status, when the error came from an answer. */
  status?: number | undefined;
}

/** An attempt failed and the call will be tried again. */
export interface RetryEvent extends CallEventBase {
  /** The attempt that failed. */
  attempt: number;
  /** Why it failed. */
  error: EventErrorSummary;
}

/** The quota made a call wait, or the server said the quota is spent. */
export interface RateLimitedEvent {
  /** The provider's id (a client's `id`, as in `MarketError.provider`). */
  provider: string;
  /** The limit class that is spent. */
  limitClass: string;
  /** How long the call waits (or the server asked to wait), ms. */
  retryAfterMs: number;
  /**
   * `server`: the server said so (a 429, or rate-limit headers saying the window is spent);
   * `local`: the limiter queued the call.
   */
  source: 'server' | 'local';
}

/** What a failed call rejects with, scrubbed. */
export interface EventErrorDetail extends EventErrorSummary {
  /** The error's message (scrubbed of every secret the client knows). */
  message: string;
  /** The provider's request id of the last attempt, when it sent one. */
  requestId?: string | undefined;
}

/**
 * A call failed for good: what it rejects with, scrubbed. A call refused before it starts
 * (a bad per-call option, an already-aborted signal, a closed client) rejects without one.
 */
export interface CallErrorEvent extends CallEventBase {
  /** Attempts sent (0: it failed while queued or paused — an abort, a close, a deadline). */
  attempts: number;
  /** What the call rejected with. */
  error: EventErrorDetail;
}

/** Events a client emits, by name. None carries a header, a body, a key or a signature. */
export interface MarketEvents {
  /** An attempt is about to be sent. */
  request: RequestEvent;
  /** An attempt got an answer. */
  response: ResponseEvent;
  /** An attempt failed and will be tried again. */
  retry: RetryEvent;
  /** The quota made a call wait, or the server said it is spent. */
  rateLimited: RateLimitedEvent;
  /** A call failed for good. */
  error: CallErrorEvent;
}

/** The event names: `request`, `response`, `retry`, `rateLimited`, `error`. */
export type MarketEventName = keyof MarketEvents;
/** Listeners by event name, for a factory's `on` option. */
export type MarketEventListeners = { [K in MarketEventName]?: (event: MarketEvents[K]) => void };

/** A tiny typed emitter; a throwing listener never breaks a call. */
export class EventHub {
  readonly #listeners = new Map<MarketEventName, Set<(event: never) => void>>();

  constructor(initial?: MarketEventListeners) {
    if (initial) {
      for (const name of Object.keys(initial) as MarketEventName[]) {
        const fn = initial[name];
        if (fn) this.on(name, fn as (event: MarketEvents[typeof name]) => void);
      }
    }
  }

  on<K extends MarketEventName>(name: K, listener: (event: MarketEvents[K]) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /** Whether anything listens to `name` (an event nobody hears need not be built). */
  has(name: MarketEventName): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends MarketEventName>(name: K, event: MarketEvents[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as (event: MarketEvents[K]) => void)(Object.freeze({ ...event }) as unknown as MarketEvents[K]);
      } catch {
        // A listener's failure is the listener's business, never the call's.
      }
    }
  }
}
