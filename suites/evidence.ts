/**
 * Evidence for a check result: the exchange (already redacted by the client) and a curl that
 * replays it; and `refute`, which fails a check with the exchanges that show what went wrong.
 */
import { toCurl } from '../lib/node/http-client';
import type { ApiResponse } from '../lib/node/http-client';
import { CheckFailure } from './check';
import type { Evidence } from './check';

export function evidenceOf(label: string, res: ApiResponse, note?: string): Evidence {
  return { label, exchange: res.exchange, curl: toCurl(res.exchange), ...(note === undefined ? {} : { note }) };
}

/** An exchange shown as evidence: its label, the answer, and a note (what a redacted header held). */
export type Shown = readonly [label: string, res: ApiResponse, note?: string];

/**
 * Fails the check (or the property case) with these exchanges as its evidence: the message says
 * what the target did against what the document says. runCheck or fromProperty reports it.
 */
export function refute(message: string, ...exchanges: readonly Shown[]): never {
  throw new CheckFailure(
    message,
    exchanges.map(([label, res, note]) => evidenceOf(label, res, note)),
  );
}
