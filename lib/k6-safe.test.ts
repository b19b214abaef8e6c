/**
 * Holds the line ARCHITECTURE.md draws: lib/ imports nothing else in the project, and the part k6
 * bundles (lib/index.ts) runs in a bare JavaScript VM: no Node built-ins, no Buffer, no process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const LIB = resolve(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('lib/ boundaries', () => {
  it('imports nothing from the rest of the project', () => {
    const offenders = sourceFiles(LIB).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)]
        .map((m) => resolve(join(file, '..'), m[1]!))
        .filter((target) => relative(LIB, target).startsWith('..'))
        .map((target) => `${relative(LIB, file)} -> ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the k6 entry (lib/index.ts) bundles for a neutral platform and runs in a bare VM', async () => {
    const result = await build({
      entryPoints: [join(LIB, 'index.ts')],
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'iife',
      globalName: 'lib',
      target: 'es2020',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\brequire\(|from\s*["']node:/);

    // Only what k6's VM offers: the language itself, console, and WebCrypto's getRandomValues.
    const bare = createContext({
      console,
      crypto: {
        getRandomValues: <T extends ArrayBufferView<ArrayBuffer>>(a: T) => globalThis.crypto.getRandomValues(a),
      },
    });
    runInContext(`${code};globalThis.lib = lib;`, bare);
    const probe = runInContext(
      `(() => {
        const key = lib.generatePrivateKey('secp256k1');
        const { canonical, signature } = lib.signBody(key, '{ "voucherCode": "1", "amount": 12.5 }');
        const ed = lib.generatePrivateKey('ed25519');
        const edSig = lib.signMessage(ed, 'hello');
        return JSON.stringify({
          canonical,
          ok: lib.verifyMessage(key, canonical, signature),
          edOk: lib.verifyMessage(ed, 'hello', edSig),
          money: lib.formatMoney(lib.moneyFromJsonNumber(12.5)),
          pem: lib.importPrivateKeyPem(lib.exportPrivateKeyPem(key)).type,
          hasBuffer: typeof Buffer, hasProcess: typeof process,
        });
      })()`,
      bare,
    ) as string;
    expect(JSON.parse(probe)).toEqual({
      canonical: '{"voucherCode":"1","amount":12.5}',
      ok: true,
      edOk: true,
      money: '12.500000',
      pem: 'secp256k1',
      hasBuffer: 'undefined',
      hasProcess: 'undefined',
    });
  });
});
