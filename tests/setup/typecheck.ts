/**
 * The type check of `npm test` (`tsc --noEmit` over scripts/, tests/, bin/), run by the global setup
 * (tests/setup/index.ts) beside the manuscript's build. TypeScript 7 is the native compiler (Go):
 * 3.4 s of wall time and 6 s of CPU on the 2-core machine where TypeScript 5.9's took 15.7 s and
 * 24.5 s, with the same diagnostics, so the setup lasts as long as the build alone. Type errors stop
 * the run before any test, as `tsc --noEmit && vitest run` did.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

/** tsc's own report is the message; a stack into this file would only hide it. */
export class TypeErrors extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypeErrors';
    this.stack = `${this.name}: ${message}`;
  }
}

export function typeCheck(): Promise<void> {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, '--noEmit', '--pretty', 'false'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const found = `${stdout}${stderr}`.trim();
      reject(new TypeErrors(`tsc --noEmit found type errors; the tests did not run:\n${found || error.message}`));
    });
  });
}
