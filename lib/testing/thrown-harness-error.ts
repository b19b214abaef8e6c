/** Test support: the HarnessError a call throws; fails the test when it throws nothing or something else. */
import { isHarnessError } from '../errors';
import type { HarnessError } from '../errors';

export function thrownHarnessError(fn: () => unknown): HarnessError {
  try {
    fn();
  } catch (err) {
    if (isHarnessError(err)) return err;
    throw err;
  }
  throw new Error('expected a HarnessError, but the call succeeded');
}
