import { OutcomeUnknownError } from '../../src/errors.js';
import type { RequestSender } from '../../src/http/request-sender.js';

/** What the CS2Cap calls need of the shared sender. */
export type Cs2CapSender = Pick<RequestSender, 'send' | 'sendStream'>;

/**
 * The sender, with each unsafe write's `outcomeHint` in its `OutcomeUnknownError` message.
 * The core sender is to add the hint itself; until it does, this adds it, and from then on
 * it changes nothing (a message that already holds the hint is left as it is).
 */
export function hintingSender(sender: RequestSender): Cs2CapSender {
  const withHint =
    (hint: string | undefined) =>
    (error: unknown): never => {
      if (!(error instanceof OutcomeUnknownError) || !hint || error.message.includes(hint)) throw error;
      throw new OutcomeUnknownError({ ...error.toJSON(), message: `${error.message}. ${hint}` } as ConstructorParameters<typeof OutcomeUnknownError>[0]);
    };
  return {
    send: (spec) => sender.send(spec).catch(withHint(spec.outcomeHint)),
    sendStream: (spec) => sender.sendStream(spec).catch(withHint(spec.outcomeHint)),
  };
}
