/** Events a client emits. None carries a header, a body, a key or a signature. */
export interface MarketEvents {
  request: { provider: string; method: string; path: string; attempt: number; limitClass: string };
  response: {
    provider: string;
    method: string;
    path: string;
    attempt: number;
    status: number;
    durationMs: number;
    requestId?: string | undefined;
  };
  retry: {
    provider: string;
    method: string;
    path: string;
    attempt: number;
    error: { name: string; code: string; status?: number | undefined };
  };
  rateLimited: {
    provider: string;
    limitClass: string;
    retryAfterMs: number;
    /**
     * `server`: the server said so (a 429, or rate-limit headers saying the window is spent);
     * `local`: the limiter queued the call.
     */
    source: 'server' | 'local';
  };
  /**
   * A call failed for good: what it rejects with, scrubbed. A call refused before it starts
   * (a bad per-call option, an already-aborted signal, a closed client) rejects without one.
   */
  error: {
    provider: string;
    method: string;
    path: string;
    /** Attempts sent (0: it failed while queued or paused — an abort, a close, a deadline). */
    attempts: number;
    error: { name: string; code: string; status?: number | undefined; message: string; requestId?: string | undefined };
  };
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
        (listener as (event: MarketEvents[K]) => void)(Object.freeze({ ...event }) as MarketEvents[K]);
      } catch {
        // A listener's failure is the listener's business, never the call's.
      }
    }
  }
}
