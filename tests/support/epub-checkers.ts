/**
 * The two validators of the EPUB tests: EPUBCheck (Debian's package) and Ace by DAISY
 * (@daisy/ace-cli, driving Debian's Chromium through Puppeteer; .puppeteerrc.cjs stops Puppeteer
 * from fetching a browser of its own).
 *
 * EPUBCheck runs in one Java process per test worker (EpubcheckServer.java beside this file), which
 * takes the same arguments as `java -jar epubcheck.jar` and runs the same checker: the 3 s of Java
 * start and schema compilation each run cost are paid once per worker. Where that process cannot
 * start (a Java without its compiler), each run is `java -jar` as before.
 * tests/epub-checkers.test.ts compares the two on a broken EPUB.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '../../scripts/browser.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
export const epubcheckJar = '/usr/share/java/epubcheck.jar';

export interface EpubcheckMessage {
  severity: string;
  ID: string;
  message: string;
  locations: Array<{ path: string; line: number; column: number }>;
}

const javaOptions = ['-XX:TieredStopAtLevel=1'];
const runTimeoutMs = 120_000;

/** EPUBCheck's messages (all severities, USAGE included) for `file`. */
export async function epubcheck(file: string, via: 'server' | 'command' = 'server'): Promise<EpubcheckMessage[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'epubcheck-'));
  try {
    const report = path.join(dir, 'report.json');
    const args = [file, '--json', report, '-q'];
    // Exit code 1 means "errors found": read the report either way.
    if (via === 'command' || !(await runInServer(args))) {
      await run('java', [...javaOptions, '-jar', epubcheckJar, ...args], { timeout: runTimeoutMs }).catch(() => undefined);
    }
    const json = JSON.parse(await readFile(report, 'utf8')) as { messages: EpubcheckMessage[] };
    return json.messages;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Server {
  child: ChildProcessWithoutNullStreams;
  /** It has finished a run: it works here. */
  checked?: boolean;
  /** Resolves the run under way with its exit code, or false when the process ended. */
  done?: (code: number | false) => void;
}

let server: Server | undefined;
let serverBroken = false;
let serverRuns = 0;
/** How many runs this worker's Java process has made (the test of this file reads it). */
export const epubcheckServerRuns = (): number => serverRuns;
/** Runs queued one after another: the process checks one EPUB at a time. */
let queue: Promise<unknown> = Promise.resolve();

function startServer(): Server {
  const child = spawn('java', [...javaOptions, '-cp', epubcheckJar, path.join(import.meta.dirname, 'EpubcheckServer.java')], { stdio: 'pipe' });
  const started: Server = { child };
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const done = /^\u0001done (-?\d+)$/.exec(line);
      if (done && started.done) started.done(Number(done[1]));
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('error', () => undefined);
  child.on('exit', () => {
    if (server === started) server = undefined;
    // A process that ends without having checked anything cannot start here: stop trying.
    if (started.done) started.done(false);
    if (!started.checked) {
      serverBroken = true;
      if (stderr.trim()) process.stderr.write(`EPUBCheck in one process could not start; each run starts Java instead: ${stderr.trim().split('\n')[0]}\n`);
    }
  });
  // The test worker may end while the process waits for its next line: it ends with its input.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
  return started;
}

/** One EPUBCheck run in the worker's Java process; false when that process is not available. */
function runInServer(args: string[]): Promise<boolean> {
  if (serverBroken || args.some((arg) => /[\t\n\r]/.test(arg))) return Promise.resolve(false);
  const turn = queue.then(
    () =>
      new Promise<boolean>((resolve) => {
        if (serverBroken) return resolve(false);
        server ??= startServer();
        const current = server;
        const timer = setTimeout(() => current.child.kill('SIGKILL'), runTimeoutMs);
        current.done = (code) => {
          clearTimeout(timer);
          current.done = undefined;
          if (code !== false) {
            current.checked = true;
            serverRuns++;
          }
          resolve(code !== false);
        };
        current.child.stdin.write(`${args.join('\t')}\n`);
      }),
  );
  queue = turn;
  return turn;
}

export interface AceViolation {
  document: string;
  rule: string;
  impact: string;
  description: string;
}

interface AceReport {
  'earl:result': { 'earl:outcome': string };
  assertions: Array<{
    'earl:testSubject': { url: string };
    assertions: Array<{ 'earl:test': { 'dct:title': string; 'earl:impact': string }; 'earl:result': { 'dct:description': string } }>;
  }>;
}

/**
 * Ace by DAISY's outcome and violations for `file`. One run per EPUB per test run: the report is
 * kept, by the SHA-256 of the EPUB's bytes, in a folder of this vitest run (its main process's id),
 * so that two test files checking the same EPUB (the shipped manuscript's, built once by
 * tests/setup/manuscript.ts) share one run; a lock file makes the second wait for the first.
 */
export async function ace(file: string): Promise<{ outcome: string; violations: AceViolation[] }> {
  const memo = path.join(os.tmpdir(), `book-tests-ace-${process.ppid}`);
  await mkdir(memo, { recursive: true });
  const key = createHash('sha256').update(await readFile(file)).digest('hex');
  const result = path.join(memo, `${key}.json`);
  const lock = path.join(memo, `${key}.lock`);
  for (;;) {
    try {
      return JSON.parse(await readFile(result, 'utf8')) as { outcome: string; violations: AceViolation[] };
    } catch {
      // Not checked yet.
    }
    let owner: Awaited<ReturnType<typeof open>> | undefined;
    try {
      owner = await open(lock, 'wx');
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const report = await runAce(file);
      await writeFile(`${result}.tmp`, JSON.stringify(report));
      await rename(`${result}.tmp`, result);
      return report;
    } finally {
      await owner.close();
      await rm(lock, { force: true });
    }
  }
}

async function runAce(file: string): Promise<{ outcome: string; violations: AceViolation[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ace-'));
  try {
    await run(path.join(root, 'node_modules/.bin/ace-cli'), ['--force', '--silent', '--outdir', dir, file], {
      cwd: root,
      timeout: 170_000,
      env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: chromiumPath() },
    });
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as AceReport;
    const violations = report.assertions.flatMap((subject) =>
      subject.assertions.map((assertion) => ({
        document: subject['earl:testSubject'].url,
        rule: assertion['earl:test']['dct:title'],
        impact: assertion['earl:test']['earl:impact'],
        description: assertion['earl:result']['dct:description'],
      })),
    );
    return { outcome: report['earl:result']['earl:outcome'], violations };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
