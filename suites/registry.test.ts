import { describe, expect, it } from 'vitest';
import { AREAS } from './check-result';
import { registry } from './registry';

describe('check registry', () => {
  it('holds checks for every area, each id once', () => {
    for (const area of AREAS) expect(registry.byArea(area).length, area).toBeGreaterThan(0);
    const ids = registry.all().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
