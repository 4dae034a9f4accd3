/**
 * The run's global setup: the type check (`npm test` sets BOOK_TYPECHECK=1; typecheck.ts) and the
 * shipped manuscript's build (manuscript.ts) side by side, both finished before any test starts.
 */
import type { TestProject } from 'vitest/node';
import * as manuscript from './manuscript.ts';
import { typeCheck } from './typecheck.ts';

export async function setup(project: TestProject): Promise<void> {
  const results = await Promise.allSettled([process.env.BOOK_TYPECHECK === '1' ? typeCheck() : Promise.resolve(), manuscript.setup(project)]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

export const teardown = manuscript.teardown;
