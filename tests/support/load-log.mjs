// Module hooks for tests/cli-startup.test.ts: every module a process loads, one URL a line, in the
// file named by BOOK_LOAD_LOG (node --import this file). Node's own modules only.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const log = process.env.BOOK_LOAD_LOG;
if (log && !import.meta.url.includes('?hooks')) register(`${import.meta.url}?hooks`);

export async function load(url, context, next) {
  if (log) appendFileSync(log, `${url}\n`);
  return next(url, context);
}
