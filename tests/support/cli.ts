/** The command line run in this process (`main` from scripts/cli.ts), its output captured. */
import { main } from '../../scripts/cli.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
  } as unknown as { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** `run` with these environment variables set in this process (undefined unsets one), restored after. */
export async function withEnv<T>(vars: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const set = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  const previous = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  set(vars);
  try {
    return await run();
  } finally {
    set(previous);
  }
}

/** `run` from `dir` as the working folder, then back. */
export async function inFolder<T>(dir: string, run: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await run();
  } finally {
    process.chdir(before);
  }
}

/**
 * `runCli` from the working folder `cwd`, with these environment variables: what a child process
 * started there would see, without a child's start-up (about a second of CPU each). The tests of a
 * file run one at a time, so the change is theirs alone while it lasts.
 */
export function runCliIn(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return inFolder(cwd, () => withEnv(env, () => runCli(args)));
}
