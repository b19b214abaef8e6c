import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GateTask } from './plan';
import { runGateTasks } from './pool';

const STAND_IN = resolve(import.meta.dirname, 'test-support', 'stand-in-worker.ts');
const plan = { scenario: 'idempotency-storm' as const, settings: { vus: 1, vouchers: 1 } };
const load = (defect: string): GateTask => ({ kind: 'load', defect, seed: 1, plan, out: '/nowhere' });
const checks = (defect: string | undefined): GateTask => ({ kind: 'checks', defect, seed: 1 });

describe('runGateTasks', () => {
  it(
    'runs every task once, one load at a time, and ends a crashed or hung task as an error',
    { timeout: 120_000 },
    async () => {
      const tasks = [
        load('a'),
        load('b'),
        load('c'),
        checks('crash'),
        checks('hang'),
        checks('d'),
        checks('e'),
        checks(undefined),
      ];
      const seen: string[] = [];
      const printed: string[] = [];
      const outcomes = await runGateTasks(tasks, {
        jobs: 3,
        worker: STAND_IN,
        limitsMs: { checks: 3_000, load: 60_000 },
        onDone: (task) => seen.push(`${task.kind} ${task.defect}`),
        onOutput: (line) => printed.push(line),
      });
      // A worker the pool let go of while it was starting drops its messages quietly (mutants/tell-pool.ts).
      expect(printed.join('\n')).not.toMatch(/ERR_IPC_CHANNEL_CLOSED|Error/);

      expect(outcomes[3]).toEqual({ error: 'the worker exited (code 3) before finishing' });
      expect(outcomes[4]).toEqual({ error: 'did not finish within 3 s; stopped' });
      const ran = outcomes.flatMap((o) =>
        'error' in o && o.error.startsWith('{')
          ? [JSON.parse(o.error) as { kind: string; defect?: string; start: number; end: number }]
          : [],
      );
      expect(ran.map((r) => `${r.kind} ${r.defect}`)).toEqual([
        'load a',
        'load b',
        'load c',
        'checks d',
        'checks e',
        'checks undefined',
      ]);
      expect(seen.sort()).toEqual(tasks.map((t) => `${t.kind} ${t.defect}`).sort());
      const loads = ran.filter((r) => r.kind === 'load').sort((x, y) => x.start - y.start);
      for (let i = 1; i < loads.length; i++)
        expect(loads[i]!.start, 'a load started before the previous one ended').toBeGreaterThanOrEqual(
          loads[i - 1]!.end,
        );
    },
  );

  it(
    'ends every task with the reason when no worker can start, its output handed over line by line',
    {
      timeout: 60_000,
    },
    async () => {
      const lines: string[] = [];
      const outcomes = await runGateTasks([checks('a'), checks('b')], {
        jobs: 1,
        worker: resolve(import.meta.dirname, 'test-support', 'no-such-worker.ts'),
        onOutput: (line) => lines.push(line),
      });
      // What node said on the worker's stderr came here, not to this process's terminal.
      expect(lines.join('\n')).toMatch(/no-such-worker\.ts/);
      expect(outcomes).toEqual([
        expect.objectContaining({ error: expect.stringMatching(/^no worker could start: it exited \(code 1\)/) }),
        expect.objectContaining({ error: expect.stringMatching(/^no worker could start/) }),
      ]);
    },
  );
});
