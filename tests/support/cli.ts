/** The command line run in this process (`main` from scripts/cli.ts), its output captured. */
import { main } from '../../scripts/cli.ts';

export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
  } as unknown as { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
