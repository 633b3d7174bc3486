/**
 * A call's cancellation without an `AbortController` per call: a queued call holds only
 * this (an AbortController and its listeners cost about a kilobyte, and firing an abort event
 * per queued call made close() of 10,000 calls take a quarter of a second). A real
 * `AbortSignal` that follows it is made only when something needs one.
 */

/** What the limiter and the sender accept as a call's signal. */
export type CallSignal = AbortSignal | CancelScope;

/** Something told of an abort by a method call (no closure needed per listener). */
export interface AbortListener {
  handleAbort(): void;
}

/** A cancellation: aborted once, with a reason; listeners are called in order. */
export class CancelScope {
  aborted = false;
  reason: unknown = undefined;
  /**
   * The first listener, kept out of any array: a queued call has one listener (its line), and
   * an array for it would cost ~190 bytes a call. Always older than everything in `#more`.
   */
  #first: (() => void) | AbortListener | undefined;
  #more: ((() => void) | AbortListener)[] | undefined;
  #controller: AbortController | undefined;

  /** Abort with `reason` (once): every listener is called, then the follower signal fires. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const first = this.#first;
    const more = this.#more;
    this.#first = this.#more = undefined;
    if (first) call(first);
    if (more) for (const listener of more) call(listener);
    this.#controller?.abort(reason);
  }

  /** Call `listener` once when aborted; returns a function that stops listening. */
  onAbort(listener: () => void): () => void {
    this.listen(listener);
    return () => this.unlisten(listener);
  }

  /** Tell `listener` once when aborted (until `unlisten`). */
  listen(listener: (() => void) | AbortListener): void {
    if (this.aborted) return;
    if (this.#first === undefined && !this.#more?.length) this.#first = listener;
    else (this.#more ??= []).push(listener);
  }

  unlisten(listener: (() => void) | AbortListener): void {
    if (this.#first === listener) {
      this.#first = undefined;
      return;
    }
    const list = this.#more;
    if (!list) return;
    const at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** A real AbortSignal that fires when this scope aborts (made on first use). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }
}

function call(listener: (() => void) | AbortListener): void {
  if (typeof listener === 'function') listener();
  else listener.handleAbort();
}

/** The AbortSignal of a call signal (for APIs that need a real one). */
export function abortSignalOf(signal: CallSignal): AbortSignal;
export function abortSignalOf(signal: CallSignal | undefined): AbortSignal | undefined;
export function abortSignalOf(signal: CallSignal | undefined): AbortSignal | undefined {
  return signal instanceof CancelScope ? signal.signal : signal;
}

/** Listen for the abort of either kind of signal; returns a function that stops listening. */
export function onAbort(signal: CallSignal, listener: () => void): () => void {
  if (signal instanceof CancelScope) return signal.onAbort(listener);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
