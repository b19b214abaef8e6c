/** Evidence for a check result: the exchange (already redacted by the client) and a curl that replays it. */
import { toCurl } from '../lib/node/http-client';
import type { ApiResponse } from '../lib/node/http-client';
import type { Evidence } from './check';

export function evidenceOf(label: string, res: ApiResponse, note?: string): Evidence {
  return { label, exchange: res.exchange, curl: toCurl(res.exchange), ...(note === undefined ? {} : { note }) };
}
