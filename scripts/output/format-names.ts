/**
 * The editions' names, without their writers: what `book build --help` and the check of `--format`
 * need, so that neither loads the writers (scripts/output/index.ts, which tests/cli-startup.test.ts
 * holds to the same names in the same order).
 */
import type { Format } from './index.ts';

export const formatNames: readonly Format[] = ['html', 'pdf', 'epub'];

export function isFormatName(name: string): name is Format {
  return (formatNames as readonly string[]).includes(name);
}
