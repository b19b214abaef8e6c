/** `k6 install`: calls installK6 (load/node/k6-install.ts) and says where k6 is. */
import { installK6 } from '../load/node/k6-install';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export async function k6InstallCommand(options: { dir?: string }, io: CommandIo): Promise<number> {
  const done = await installK6({ ...(options.dir === undefined ? {} : { dir: options.dir }), log: io.out });
  io.out(`k6: ${done.how} at ${done.path}${done.how === 'built' ? ` (${done.seconds} s)` : ''}`);
  return EXIT.ok;
}
