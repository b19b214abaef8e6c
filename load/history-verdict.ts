/**
 * Hands a run's history to the checker (reports/history-checker.ts, `checkHistory`) and its verdict
 * to the JUnit writer (reports/verdict-junit.ts, `verdictToJunit`), when they are present. They
 * are loaded by path at run time so the load command works (writing history and finals only) in a
 * tree that does not have them yet; tsx loads the TypeScript whether this runs from source or dist/.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FinalVoucherState, HistoryOp } from '../lib';

const ROOT = resolve(import.meta.dirname, '..');
export const CHECKER_FILE = resolve(ROOT, 'reports', 'history-checker.ts');
const JUNIT_FILE = resolve(ROOT, 'reports', 'verdict-junit.ts');

export interface Violation {
  readonly invariant: string;
  readonly voucher: string;
  readonly message: string;
  readonly ops: readonly unknown[];
}

export interface Verdict {
  /** 'unknown': nothing broke, but some judgement could not be made (an op with no answer, say). */
  readonly valid: boolean | 'unknown';
  readonly violations: readonly Violation[];
  readonly [more: string]: unknown;
}

export interface CheckInput {
  readonly ops: readonly HistoryOp[];
  readonly finals: readonly FinalVoucherState[];
  readonly initial: Map<string, { amount: bigint; serviceFee: bigint }>;
  /** GET /admin/ledger's entries as the sandbox answers them. */
  readonly ledger?: readonly unknown[];
  readonly otpSource: boolean;
}

interface CheckerModule {
  checkHistory(input: unknown): Verdict;
  /** Reads the admin ledger's JSON into the checker's entries (amounts in micro-units). */
  ledgerFromAdminJson(json: unknown): unknown[];
}
interface JunitModule {
  verdictToJunit(verdict: Verdict): string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function load<T>(file: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as T;
  } catch {
    // Plain node (dist/cli.js) cannot import TypeScript; tsx can.
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as T;
  }
}

/** The verdict and its JUnit XML, or undefined when the checker is not in this tree. */
export async function judgeHistory(input: CheckInput): Promise<{ verdict: Verdict; junit: string | undefined } | undefined> {
  if (!(await exists(CHECKER_FILE))) return undefined;
  const checker = await load<Partial<CheckerModule>>(CHECKER_FILE);
  if (typeof checker.checkHistory !== 'function') return undefined;
  const ledger = input.ledger !== undefined && typeof checker.ledgerFromAdminJson === 'function' ? checker.ledgerFromAdminJson({ entries: input.ledger }) : input.ledger;
  const verdict = checker.checkHistory({ ...input, ledger });
  const junitModule = (await exists(JUNIT_FILE)) ? await load<Partial<JunitModule>>(JUNIT_FILE) : undefined;
  const junit = typeof junitModule?.verdictToJunit === 'function' ? junitModule.verdictToJunit(verdict) : undefined;
  return { verdict, junit };
}

/** JSON with bigints as base-10 strings (the checker's verdict may carry amounts). */
export function verdictJson(verdict: unknown): string {
  return JSON.stringify(verdict, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}
