/**
 * The fault schedule: every fault it adds is cleared again, each is a documented failure of its
 * endpoint (or a delay or a reset), a seed replays the same faults, and an op is marked as meeting
 * a fault exactly when its time overlaps a window on its endpoint.
 */
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../lib/error-catalog';
import type { HistoryOp } from '../../lib/history';
import type { FaultInput, SandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import { markFaultedOps, scheduleFaults, type FaultWindow } from './fault-schedule';

function fakeAdmin(fail = false) {
  const calls: (FaultInput | 'clear')[] = [];
  const admin = {
    addFault: async (fault: FaultInput) => {
      if (fail) throw new Error('sandbox gone');
      calls.push(fault);
      return {};
    },
    clearFaults: async () => {
      calls.push('clear');
      return {};
    },
  } as unknown as SandboxAdminClient;
  return { admin, calls };
}

async function windowsOf(
  seed: number,
  count: number,
): Promise<{ windows: FaultWindow[]; calls: (FaultInput | 'clear')[] }> {
  const { admin, calls } = fakeAdmin();
  const schedule = scheduleFaults(admin, seed, { windowMs: 1, gapMs: 1 });
  schedule.start();
  while (calls.filter((c) => c === 'clear').length < count) await new Promise((r) => setTimeout(r, 2));
  return { windows: await schedule.stop(), calls };
}

describe('scheduleFaults', () => {
  it('adds one fault at a time and clears each before the next, every one documented for its endpoint', async () => {
    const { windows, calls } = await windowsOf(11, 30);
    expect(calls.length % 2).toBe(0);
    calls.forEach((c, i) => expect(c === 'clear').toBe(i % 2 === 1));
    expect(windows).toHaveLength(calls.length / 2);
    for (const w of windows) {
      expect(['initiate-claim', 'voucher-detail', 'redeem-gift']).toContain(w.endpoint);
      expect(w.toMs).toBeGreaterThanOrEqual(w.fromMs);
      if (w.kind === 'error') expect(API_ERRORS.find((e) => e.code === w.code)?.endpoints).toContain(w.endpoint);
    }
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.fromMs).toBeGreaterThanOrEqual(windows[i - 1]!.toMs);
    // Thirty windows of a seeded mix: all three kinds appear.
    expect(new Set(windows.map((w) => w.kind))).toEqual(new Set(['error', 'delay', 'reset']));
  });

  it('replays the same faults for the same seed', async () => {
    const strip = (ws: FaultWindow[]) => ws.slice(0, 10).map(({ fromMs: _f, toMs: _t, ...fault }) => fault);
    expect(strip((await windowsOf(5, 10)).windows)).toEqual(strip((await windowsOf(5, 10)).windows));
    expect(strip((await windowsOf(5, 10)).windows)).not.toEqual(strip((await windowsOf(6, 10)).windows));
  });

  it('injects nothing before start(), and stop() gives the admin failure instead of swallowing it', async () => {
    const idle = fakeAdmin();
    expect(await scheduleFaults(idle.admin, 1).stop()).toEqual([]);
    expect(idle.calls).toEqual([]);
    const broken = scheduleFaults(fakeAdmin(true).admin, 1, { windowMs: 1, gapMs: 1 });
    broken.start();
    await expect(broken.stop()).rejects.toThrow('sandbox gone');
  });
});

describe('markFaultedOps', () => {
  const window: FaultWindow = { endpoint: 'redeem-gift', kind: 'reset', count: 1, fromMs: 100, toMs: 200 };
  const op = (kind: HistoryOp['op'], invokeMs: number, completeMs: number): HistoryOp => ({
    runner: 'k6-0',
    vu: 1,
    iteration: 0,
    op: kind,
    voucher: 'V',
    amount: null,
    idempotencyKey: 'k',
    invokeMs,
    completeMs,
    outcome: 'info',
    status: 0,
  });

  it('marks the ops on the window endpoint whose time overlaps it, and only those', () => {
    const marked = markFaultedOps(
      [
        op('redeem', 50, 100),
        op('redeem', 150, 160),
        op('redeem', 200, 300),
        op('redeem', 50, 99),
        op('redeem', 201, 250),
        op('claim', 150, 160),
        op('detail', 150, 160),
      ],
      [window],
    );
    expect(marked.map((o) => o.faultInjected)).toEqual([true, true, true, false, false, false, false]);
  });
});
