/**
 * The type check of `npm test` (`tsc --noEmit` over scripts/, tests/, bin/), run by the global setup
 * (tests/setup/index.ts) beside the manuscript's build: that build keeps one core busy most of its
 * time, so the check, about 8 s of one core, costs the run almost nothing. Type errors stop the run
 * before any test, as `tsc --noEmit && vitest run` did.
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
