/** A tiny typed event emitter: a throwing listener never breaks the stream. */
export class Emitter<E extends { [K in keyof E]: unknown }> {
  readonly #listeners = new Map<keyof E, Set<(event: never) => void>>();

  /** Listen to `name`; returns the function that stops listening. */
  on<K extends keyof E>(name: K, listener: (event: E[K]) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => {
      set.delete(listener as (event: never) => void);
    };
  }

  /** Whether anyone listens to `name` (lets callers skip building an event). */
  has(name: keyof E): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  /** Call every listener of `name`. */
  emit<K extends keyof E>(name: K, event: E[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (event: E[K]) => void)(event);
      } catch {
        // A listener's failure is the listener's business, never the stream's.
      }
    }
  }

  /** Drop every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

/**
 * An async iterator over a bounded queue: when the consumer falls `capacity` items behind,
 * the iteration ends with `overflowError()` instead of buffering without limit (a trading
 * bot must know it missed fills, not silently skip them).
 */
export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  readonly #overflowError: () => Error;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #ended = false;
  #error: unknown;
  readonly #onReturn: () => void;

  constructor(capacity: number, overflowError: () => Error, onReturn: () => void) {
    this.#capacity = capacity;
    this.#overflowError = overflowError;
    this.#onReturn = onReturn;
  }

  /** Queue one item (or hand it straight to a waiting consumer). */
  push(item: T): void {
    if (this.#ended) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.resolve({ value: item, done: false });
      return;
    }
    if (this.#items.length >= this.#capacity) return this.end(this.#overflowError());
    this.#items.push(item);
  }

  /** End the iteration, with an error after the queued items when one is given. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    if (error !== undefined) this.#items.length = 0;
    const w = this.#waiter;
    this.#waiter = undefined;
    if (w) {
      if (error !== undefined) {
        this.#error = undefined;
        w.reject(error);
      } else w.resolve({ value: undefined, done: true });
    }
    this.#onReturn();
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#items.shift();
    if (item !== undefined || this.#items.length > 0) return Promise.resolve({ value: item as T, done: false });
    if (this.#ended) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.#items.length = 0;
    this.#error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
