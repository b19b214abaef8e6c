/**
 * Runs reference clients and checks the grader told them apart: the correct one passes, each
 * faulty one fails naming the rule its mistake breaks. The table (clients × rules) is what the
 * README shows; `omnivas-harness certify-client --reference all` prints it.
 */
import type { Certification } from './grade';
import { REFERENCE_CLIENTS, runReferenceClient, type ReferenceClientSpec } from './reference-clients';
import { RULES } from './rules';

export interface ProofRow {
  readonly client: ReferenceClientSpec;
  readonly certification: Certification;
  /** Correct: passed. Faulty: failed, and its rule is among the broken ones. */
  readonly asExpected: boolean;
  readonly ms: number;
}

export function judgedAsExpected(client: ReferenceClientSpec, cert: Certification): boolean {
  if (client.breaks === undefined) return cert.verdict === 'pass';
  return cert.verdict === 'fail' && cert.rules.some((r) => r.id === client.breaks && r.status === 'fail');
}

export async function runProof(
  clients: readonly ReferenceClientSpec[] = REFERENCE_CLIENTS,
  onRow?: (row: ProofRow) => void,
): Promise<ProofRow[]> {
  const rows: ProofRow[] = [];
  for (const client of clients) {
    const started = performance.now();
    const certification = await runReferenceClient(client);
    const row = {
      client,
      certification,
      asExpected: judgedAsExpected(client, certification),
      ms: performance.now() - started,
    };
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}

/** A rule's column heading: its id without the "client." prefix. */
export const ruleColumn = (id: string): string => id.replace(/^client\./, '');

/** Markdown: one row per client, one column per rule; ✗ broken, ✓ kept, – not exercised; ✗ in bold where it is the rule the client's mistake breaks. */
export function proofTable(rows: readonly ProofRow[]): string {
  const head = ['client', 'verdict', ...RULES.map((r) => `\`${ruleColumn(r.id)}\``), 'as expected'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = RULES.map((rule) => {
      const status = row.certification.rules.find((r) => r.id === rule.id)?.status;
      const mark = status === 'fail' ? '✗' : status === 'pass' ? '✓' : '–';
      return rule.id === row.client.breaks && status === 'fail' ? `**${mark}**` : mark;
    });
    lines.push(
      `| ${row.client.name} | ${row.certification.verdict} | ${cells.join(' | ')} | ${row.asExpected ? 'yes' : 'NO'} |`,
    );
  }
  return lines.join('\n');
}
