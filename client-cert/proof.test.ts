/**
 * The grader grades: the correct reference client passes every scenario and rule, and a subset of
 * faulty ones each fail naming the rule of their mistake (all of them: certify-client --reference all).
 */
import { describe, expect, it } from 'vitest';
import { judgedAsExpected, proofTable, runProof } from './proof';
import { referenceClient } from './reference-clients';

// One mistake per family: signing, retries, tokens, refusals, secrets.
const SUBSET = [
  'correct',
  'signs-pretty-sends-compact',
  'new-key-on-retry',
  'never-renews-token',
  'retries-documented-refusal',
  'api-key-in-metadata',
];

describe('client certification: the reference clients', () => {
  it('passes the correct client, fails each faulty one on the rule its mistake breaks, and redacts secrets', async () => {
    const rows = await runProof(SUBSET.map(referenceClient));
    const correct = rows[0]!.certification;
    expect(correct.verdict).toBe('pass');
    expect(correct.scenarios).toHaveLength(9);
    expect(correct.scenarios.filter((s) => s.status !== 'pass')).toEqual([]);
    expect(correct.rules.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([]);
    for (const row of rows.slice(1)) {
      expect(row.certification.verdict, row.client.name).toBe('fail');
      const broken = row.certification.rules.filter((r) => r.status === 'fail').map((r) => r.id);
      expect(broken, row.client.name).toContain(row.client.breaks);
      expect(judgedAsExpected(row.client, row.certification)).toBe(true);
    }
    const table = proofTable(rows);
    expect(table.split('\n')).toHaveLength(2 + rows.length);
    expect(table).not.toContain('| NO |');

    // The API key the faulty client put in metadata is in the evidence, redacted; no token anywhere.
    const leaky = JSON.stringify(rows.find((r) => r.client.name === 'api-key-in-metadata')!.certification);
    expect(leaky).toContain('[REDACTED:api-key]');
    expect(leaky).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
  }, 120_000);
});
