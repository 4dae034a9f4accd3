/**
 * Time and peak memory of a command and everything it starts (Chromium's browser, zygote, renderer
 * and GPU processes included). Linux only: every ~50 ms the processes are read from
 * /proc/<pid>/stat (proc(5): field 4 is the parent pid, field 24 the resident set size in pages),
 * the descendants of the command are found by walking parent pids, and their RSS is summed; the
 * peak is the largest sum seen. Summed RSS counts pages shared between processes (libraries, the
 * shared memory of Chromium's processes) once per process: it overstates the memory really used,
 * the same way for every tool measured. So the proportional set size (PSS, shared pages split
 * between the processes sharing them) is summed too, as a second figure: every tenth sample, and
 * whenever the RSS sum has grown by a quarter since the last reading.
 *
 * The sampling runs beside the command, on a machine of two cores: what it costs is taken from a
 * command that uses both (ours: V8's compiler and collector, Chromium's processes), hardly from
 * one that uses one. So it reads little (`TreeReader`, `measure`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  ppid: number;
  rssBytes: number;
}

let pageSize: number | undefined;
function pageBytes(): number {
  if (pageSize === undefined) {
    try {
      pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
    } catch {
      pageSize = 4096;
    }
  }
  return pageSize;
}

/** One line of /proc/<pid>/stat. The command name (field 2) is in parentheses and may hold spaces. */
export function parseStat(line: string): ProcessInfo | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  // Fields after the name, starting at field 3 (state): ppid is field 4, rss field 24.
  const fields = line.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const rssPages = Number(fields[21]);
  if (!Number.isFinite(ppid) || !Number.isFinite(rssPages)) return undefined;
  return { ppid, rssBytes: rssPages * pageBytes() };
}

/** The pids listed in /proc now. */
function listedPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** One process's parent and RSS; undefined once it has ended. */
function readProcess(pid: number): ProcessInfo | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // The process ended between readdir and read.
  }
}

/** Every process of the machine: pid → parent and RSS. Processes that end while read are skipped. */
export function readProcessTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const pid of listedPids()) {
    const info = readProcess(pid);
    if (info) table.set(pid, info);
  }
  return table;
}

/**
 * The process tree of one command, read again at each sample. The first reading reads every
 * process of the machine; the next ones read the tree's own processes and those started since,
 * not again the others: a process outside the tree cannot enter it (an orphan is given to init or
 * to a sub-reaper among its own ancestors, which are outside the tree too), and a pid is given
 * again only after the kernel has gone round all of them (`pid_max`), not within 50 ms. Reading
 * every process (about 70 on this machine) cost 2 to 3 ms of CPU a sample, 40 to 60 ms a second.
 */
export class TreeReader {
  /** Processes read outside the tree, still listed at the last reading. */
  private outside = new Set<number>();

  constructor(private readonly root: number) {}

  read(): { bytes: number; processes: number; pids: number[] } {
    const table = new Map<number, ProcessInfo>();
    const outside = new Set<number>();
    for (const pid of listedPids()) {
      if (this.outside.has(pid)) {
        outside.add(pid);
        continue;
      }
      const info = readProcess(pid);
      if (info) table.set(pid, info);
    }
    const tree = treeMemory(this.root, table);
    const inside = new Set(tree.pids);
    for (const pid of table.keys()) if (!inside.has(pid)) outside.add(pid);
    this.outside = outside;
    return tree;
  }
}

/**
 * Proportional set size of one process (its own pages, plus its share of each page it shares),
 * from /proc/<pid>/smaps_rollup (Linux 4.14+): what the process tree really uses, summed. Costlier
 * to read than stat (~1 ms a process), so sampled less often.
 */
export function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS of `root` and all its descendants, how many processes that is, and their pids. */
export function treeMemory(root: number, table: Map<number, ProcessInfo> = readProcessTable()): { bytes: number; processes: number; pids: number[] } {
  const children = new Map<number, number[]>();
  for (const [pid, info] of table) {
    const list = children.get(info.ppid);
    if (list) list.push(pid);
    else children.set(info.ppid, [pid]);
  }
  let bytes = 0;
  let processes = 0;
  const pids: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const info = table.get(pid);
    if (!info) continue;
    bytes += info.rssBytes;
    processes++;
    pids.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return { bytes, processes, pids };
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the whole process group after this long. */
  timeoutMs: number;
  intervalMs?: number;
}

export interface Measurement {
  /** Wall time from start to the exit of the command, in milliseconds. */
  ms: number;
  /** Largest sum of RSS seen (every sample). */
  peakBytes: number;
  /** Largest sum of PSS seen (every tenth sample, and when the RSS sum has grown by a quarter since the last reading): shared pages counted once in all. */
  peakPssBytes: number;
  /** Most processes seen at once in the tree. */
  peakProcesses: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last lines of what the command printed, to explain a failure. */
  outputTail: string;
}

/** Run a command, sampling the memory of its process tree until it exits. */
export function measure(command: string, args: string[], options: MeasureOptions): Promise<Measurement> {
  const interval = options.intervalMs ?? 50;
  return new Promise((resolve, reject) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    const started = performance.now();
    // Its own process group, so that a time-out can end the command and everything it started.
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let peakBytes = 0;
    let peakPssBytes = 0;
    let peakProcesses = 0;
    let timedOut = false;
    let samples = 0;
    /** The RSS sum at the last reading of PSS. */
    let rssAtPss = 0;
    let tree: TreeReader | undefined;
    const sample = () => {
      if (child.pid === undefined) return;
      tree ??= new TreeReader(child.pid);
      const { bytes, processes, pids } = tree.read();
      peakBytes = Math.max(peakBytes, bytes);
      peakProcesses = Math.max(peakProcesses, processes);
      // PSS costs a few milliseconds a process (16 ms for Chromium's tree): read every tenth sample,
      // and as soon as the RSS sum has grown by a quarter, so that a command ending within a
      // fraction of a second (pandoc on a small book) is read once its memory is taken.
      if (samples % 10 === 0 || bytes > rssAtPss * 1.25) {
        rssAtPss = Math.max(rssAtPss, bytes);
        peakPssBytes = Math.max(peakPssBytes, pids.reduce((sum, pid) => sum + pssBytes(pid), 0));
      }
      samples++;
    };
    const sampler = setInterval(sample, interval);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => {
      clearInterval(sampler);
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (exitCode, signal) => {
      const ms = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(timer);
      // Whatever the command left behind in its process group (a browser not closed) is ended, so
      // that it cannot weigh on the next run.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left
      }
      const done = () => resolve({ ms, peakBytes, peakPssBytes, peakProcesses, exitCode, signal, timedOut, outputTail: output.split('\n').slice(-25).join('\n') });
      // The last output may still be in the pipes: wait for them to close, but not forever (a
      // process outside the group may hold them).
      const guard = setTimeout(done, 5000);
      child.once('close', () => {
        clearTimeout(guard);
        done();
      });
    });
    sample();
  });
}
