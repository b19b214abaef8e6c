/**
 * Path routing for the sandbox's three APIs: exact segments beat `:params`; a path that exists
 * for other methods is a 405 with Allow, one that exists for none a 404.
 */
import { refuse } from './refusal';

export interface Route<H> {
  readonly method: string;
  /** Relative to the API's prefix; `:name` segments capture (percent-decoded). */
  readonly path: string;
  readonly handler: H;
}

interface CompiledRoute<H> extends Route<H> {
  readonly segments: readonly string[];
  readonly literal: boolean;
}

export interface RouteMatch<H> {
  readonly handler: H;
  readonly params: Readonly<Record<string, string>>;
}

export class Router<H> {
  readonly #routes: CompiledRoute<H>[];

  constructor(routes: readonly Route<H>[]) {
    // Literal routes first, so /topup-transactions/redeem-gift is not read as a voucher code.
    this.#routes = routes
      .map((r) => ({ ...r, segments: r.path.split('/'), literal: !r.path.includes(':') }))
      .sort((a, b) => Number(b.literal) - Number(a.literal));
  }

  /** The handler for `method path`, or the 404/405 refusal to answer with. */
  match(method: string, path: string): RouteMatch<H> {
    const segments = path.split('/');
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      allowed.add(route.method);
    }
    if (allowed.size > 0)
      throw refuse(405, `Method ${method.slice(0, 16)} is not allowed on this path; use ${[...allowed].join(' or ')}`, {
        allow: [...allowed].join(', '),
      });
    throw refuse(404, `No route for ${method.slice(0, 16)} ${path.slice(0, 200)}`);
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      if (a === '') return undefined;
      params[p.slice(1)] = decodeSegment(a);
    } else if (p !== a) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw refuse(400, `Malformed percent-encoding in path segment ${JSON.stringify(segment.slice(0, 64))}`);
  }
}
