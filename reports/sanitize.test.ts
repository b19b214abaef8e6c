import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { createRedactor } from '../lib/redact';
import type { CertifyReport } from './report-model';
import { sanitizeReport } from './sanitize';
import type { SanitizedReport } from './sanitize';
import { makeReport, makeResult, reportArb } from './test-support/results';
import { writeHtml } from './write-html';
import { writeJson } from './write-json';
import { writeJunit } from './write-junit';

const b64url = (n: number) => randomBytes(n).toString('base64url');

/** Fresh secrets per run, shaped like the real ones. */
function secrets() {
  return {
    apiKey: `ovk_test_${randomBytes(16).toString('hex')}`,
    accessToken: `eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.${b64url(48)}.${b64url(64)}`,
    pem: exportPrivateKeyPem(generatePrivateKey('secp256k1')),
  };
}
type Secrets = ReturnType<typeof secrets>;

/** A run whose evidence holds the secrets everywhere a careless check could put them. */
function leakyReport({ apiKey, accessToken, pem }: Secrets): CertifyReport {
  const quotedPem = JSON.stringify(pem);
  return {
    ...makeReport([
      makeResult({
        id: 'auth.login-good-key',
        status: 'fail',
        message: `login with ${apiKey} returned ${accessToken}`,
        evidence: [
          {
            label: `signed with ${pem}`,
            note: `key file:\n${pem}`,
            exchange: {
              method: 'POST',
              url: `http://127.0.0.1:40123/auth/login?key=${apiKey}`,
              requestHeaders: { 'content-type': 'application/json', 'x-api-token': accessToken, 'x-debug': apiKey },
              requestBody: JSON.stringify({ key: apiKey, debug: pem }),
              status: 200,
              responseHeaders: { 'x-echo': accessToken },
              responseBody: `{"statusCode":200,"success":true,"data":{"echo":"${accessToken}","dump":${quotedPem}}}`,
            },
            curl: `curl -X POST 'http://127.0.0.1:40123/auth/login' -H 'x-api-token: ${accessToken}' --data-raw '{"key":"${apiKey}"}'`,
          },
        ],
        counterexample: JSON.stringify([apiKey, pem]),
      }),
      makeResult({
        id: 'auth.token-expires',
        status: 'error',
        message: `TARGET_UNREACHABLE: ${accessToken}`,
        evidence: [{ label: 'stack', note: `Error: ${apiKey}\n    at run (suites/auth.ts:1:1)` }],
      }),
      makeResult({ id: 'auth.forged', status: 'skip', reason: `no second key besides ${pem}` }),
      makeResult({ id: 'contradictions.keys', area: 'contradictions', kind: 'finding', note: `portal key ${pem}` }),
    ]),
    target: {
      name: `merchant ${apiKey}`,
      baseUrl: `https://test.omnivas.example/?token=${accessToken}`,
      profile: 'merchant-v1',
      sandbox: false,
    },
  };
}

/** What would give a secret away in any of the three formats: itself, JSON-quoted, or any one line of the PEM body. */
function probes({ apiKey, accessToken, pem }: Secrets): string[] {
  const pemLines = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  return [apiKey, accessToken, pem, JSON.stringify(pem).slice(1, -1), ...pemLines];
}

const leaks = (text: string, s: Secrets) => probes(s).filter((p) => text.includes(p));
const writers = { json: writeJson, junit: writeJunit, html: writeHtml };

describe('secrets never leak', () => {
  it('an API key, an access token and a PEM private key appear in none of summary.json, junit.xml and report.html', () => {
    const s = secrets();
    const redactor = createRedactor();
    redactor.add(s.apiKey, 'api-key');
    redactor.add(s.accessToken, 'access-token');
    redactor.add(s.pem, 'private-key');
    const safe = sanitizeReport(leakyReport(s), redactor);
    for (const [name, write] of Object.entries(writers)) {
      const out = write(safe);
      expect(leaks(out, s), name).toEqual([]);
      expect(out, name).toContain('[REDACTED:api-key]');
    }
  });

  it('with a bare redact function too', () => {
    const s = secrets();
    const redactor = createRedactor([s.apiKey, s.accessToken, s.pem]);
    const safe = sanitizeReport(leakyReport(s), (text) => redactor.redactText(text));
    for (const write of Object.values(writers)) expect(leaks(write(safe), s)).toEqual([]);
  });

  it('the probes do find the secrets in an unsanitized report (so the test above can fail)', () => {
    const s = secrets();
    const unsafe = leakyReport(s) as SanitizedReport;
    for (const write of Object.values(writers)) expect(leaks(write(unsafe), s).length).toBeGreaterThan(0);
  });

  it('blanks credential headers by name when given a redactor, even for a token nobody registered', () => {
    const opaque = randomBytes(20).toString('hex');
    const report = makeReport([
      makeResult({
        id: 'auth.x',
        status: 'fail',
        message: 'm',
        evidence: [
          {
            exchange: {
              method: 'GET',
              url: 'http://h/',
              requestHeaders: { 'X-Api-Token': opaque },
              responseHeaders: { 'set-cookie': `s=${opaque}` },
            },
          },
        ],
      }),
    ]);
    const safe = sanitizeReport(report, createRedactor());
    for (const write of Object.values(writers)) expect(write(safe)).not.toContain(opaque);
  });

  it('writers refuse an unsanitized report at compile time', () => {
    const report = makeReport([]);
    // The type checker (npm run typecheck) holds this line; at run time it would just write.
    const typeCheckOnly = () => {
      // @ts-expect-error a CertifyReport is not a SanitizedReport
      writeHtml(report);
    };
    expect(typeof typeCheckOnly).toBe('function');
  });
});

describe('sanitizeReport', () => {
  it('passes every string value and header name through the redactor, keeps the shape, and copies instead of mutating', () => {
    const marked = (value: unknown): boolean =>
      typeof value === 'string'
        ? value.startsWith('«') && value.endsWith('»')
        : Array.isArray(value)
          ? value.every(marked)
          : typeof value === 'object' && value !== null
            ? Object.values(value).every(marked)
            : true;
    fc.assert(
      fc.property(reportArb, (report) => {
        const before = JSON.stringify(report);
        const safe = sanitizeReport(report, (t) => `«${t}»`);
        expect(marked(safe)).toBe(true);
        for (const e of safe.results.flatMap((r) => r.evidence))
          expect(Object.keys(e.exchange?.requestHeaders ?? {}).every(marked)).toBe(true);
        expect(JSON.stringify(report)).toBe(before);
        expect(safe.seed).toBe(report.seed);
        expect(safe.results.map((r) => r.durationMs)).toEqual(report.results.map((r) => r.durationMs));
        expect(Object.keys(safe)).toEqual(Object.keys(report));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses something that is not a redactor, naming the argument', () => {
    expect(() => sanitizeReport(makeReport([]), 'nope' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"redactor"') }),
    );
    expect(() => sanitizeReport(makeReport([makeResult({ id: 'auth.x' })]), (() => undefined) as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
