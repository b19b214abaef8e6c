/**
 * Runs the bundled signing-speed scenario in the pinned k6 and reads its report (Node-only): the
 * bench and the test that proves k6 signs with lib/ both go through here.
 */
import { HarnessError } from '../../lib';
import { runK6 } from './k6-bin';
import { parseSigningSpeedReport, type SigningSpeedReport } from '../signing-speed-report';

/** `iterations` overrides the scenario's default count per operation. */
export async function runSigningSpeed(bundle: string, iterations?: number): Promise<SigningSpeedReport> {
  // --log-format=raw makes console.log print the bare JSON line rather than a logfmt record.
  const env = iterations === undefined ? [] : ['-e', `SIGNING_ITERATIONS=${iterations}`];
  const { exitCode, stdout, stderr } = await runK6([
    'run',
    '--quiet',
    '--summary-mode=disabled',
    '--log-format=raw',
    ...env,
    bundle,
  ]);
  if (exitCode !== 0) {
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    throw new HarnessError('K6_FAILED', `k6 run ${bundle} exited with ${exitCode}: ${tail}`);
  }
  return parseSigningSpeedReport(`${stdout}\n${stderr}`);
}
