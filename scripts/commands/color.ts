/**
 * Whether a stream gets colours, by the conventions of command-line tools: `NO_COLOR` (any
 * non-empty value, https://no-color.org) turns them off, `FORCE_COLOR` turns them on (unless it
 * is `0` or `false`), and otherwise only a terminal gets them — never a file, a pipe or a CI log.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !/^(0|false|no|off)$/i.test(force.trim());
  return stream.isTTY === true;
}
