/**
 * A request the sandbox answers with the error envelope. Thrown from anywhere in a request's
 * handling and written in one place (http.ts), so every error, documented code or not, has the
 * same shape (docs/design.md › Behaviour where the API documents are silent › Error envelope).
 */
import { httpStatusOf, messageOf, type ApiErrorCode } from '../lib/error-catalog';

export class Refusal extends Error {
  constructor(
    /** The HTTP status line's code. */
    readonly httpStatus: number,
    /** The envelope's `statusCode`: a documented four-digit code, or the HTTP status itself. */
    readonly statusCode: number,
    message: string,
    /**
     * An injected fault: not the outcome of the request but of the moment, so an idempotency key
     * is not bound to it and a retry runs afresh.
     */
    readonly transient = false,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** An undocumented error: the HTTP status is the envelope's statusCode. */
export function refuse(httpStatus: number, message: string, headers?: Readonly<Record<string, string>>): Refusal {
  return new Refusal(httpStatus, httpStatus, message, false, headers);
}

/** A documented code with its documented message; HTTP status = its first three digits. */
export function refuseWithCode(
  code: ApiErrorCode,
  options: { transient?: boolean; providerMessage?: string } = {},
): Refusal {
  return new Refusal(httpStatusOf(code), code, messageOf(code, options.providerMessage), options.transient ?? false);
}

/** Thrown after an injected connection reset: nothing is to be written. */
export class ConnectionDropped extends Error {
  constructor() {
    super('the connection was reset by an injected fault');
  }
}
