/**
 * A call in flight keeps the process alive, as a socket would; an idle client holds nothing.
 * Limiter timers are unref()'d (an idle client must not keep a process up), so without this a
 * script whose only pending work is a call waiting for quota would exit in the middle of it.
 * One ref'd interval for the whole process, armed while any call is in flight.
 */
let holders = 0;
let handle: NodeJS.Timeout | undefined;

/** Hold the process open until a matching `releaseProcess()` (each hold released exactly once). */
export function holdProcess(): void {
  holders += 1;
  handle ??= setInterval(() => undefined, 1 << 30);
}

/** Give back one `holdProcess()`; the last one lets the process exit. */
export function releaseProcess(): void {
  holders -= 1;
  if (holders === 0 && handle) {
    clearInterval(handle);
    handle = undefined;
  }
}
