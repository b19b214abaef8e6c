/** Reading an API answer's envelope, shared by every area's checks. */
import type { ApiResponse } from '../lib/node/http-client';

/** The envelope's statusCode (200, 4091…), when the answer has one. */
export const apiCodeOf = (res: ApiResponse): unknown =>
  (res.json as { statusCode?: unknown } | null | undefined)?.statusCode;

/** A documented success: HTTP 200 with `"success": true`. */
export const succeeded = (res: ApiResponse): boolean =>
  res.status === 200 && (res.json as { success?: unknown } | null | undefined)?.success === true;
