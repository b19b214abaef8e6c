import { describe, expect, it } from 'vitest';
import { referenceClient, runReferenceClient } from './reference-clients';
import { certificationHtml, certificationJson, certificationJunit } from './report';

describe('the client certification reports', () => {
  it('name the broken rule, its scenario and its evidence in JSON, JUnit and HTML alike', async () => {
    const cert = await runReferenceClient(referenceClient('der-signature'), { scenarios: ['full-redemption'] });
    expect(cert.verdict).toBe('fail');

    const json = JSON.parse(certificationJson(cert));
    const rule = json.rules.find((r: { id: string }) => r.id === 'client.sig.p1363-base64');
    expect(rule.status).toBe('fail');
    expect(rule.violations[0].scenario).toBe('full-redemption');
    expect(rule.violations[0].exchanges[0].requestHeaders['x-api-token']).toBe('[REDACTED:access-token]');

    const junit = certificationJunit(cert);
    expect(junit).toMatch(/<testsuite name="rules" tests="15" failures="1" errors="0" skipped="\d+">/);
    expect(junit).toMatch(/<testsuite name="scenarios" tests="1" failures="1"/);
    expect(junit).toContain('name="client.sig.p1363-base64: x-signature is standard base64');
    expect(junit).toContain('Should have done: Encode the signature as IEEE-P1363');

    const html = certificationHtml(cert);
    expect(html).toContain('id="rule-client.sig.p1363-base64"');
    expect(html).toContain('What the client should have done');
    expect(html).toContain('&quot;voucherCode&quot;'); // request bodies escaped, not raw markup
    expect(html).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  }, 30_000);
});
