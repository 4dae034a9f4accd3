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

/**
 * `runCli` from the working folder `cwd`, with these environment variables set (undefined unsets
 * one), both restored after: what a child process started there would see, without a child's
 * start-up (about a second of CPU each). The tests of a file run one at a time, so the change is
 * theirs alone while it lasts.
 */
export async function runCliIn(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const before = process.cwd();
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(vars)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  process.chdir(cwd);
  set(env);
  try {
    return await runCli(args);
  } finally {
    set(previous);
    process.chdir(before);
  }
}
