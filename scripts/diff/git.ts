/**
 * What the toolchain asks of git: the revision a manuscript is at, whether its tree has changes not
 * committed, and the manuscript as it stood at a revision (`git ls-tree` + `git show REV:path`,
 * written into a folder so that it compiles like any manuscript). git is run, never linked.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../errors.ts';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

async function gitBuffer(cwd: string, args: string[]): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' });
  return stdout;
}

/** The top of the git work tree holding `folder`, or undefined when it is not in one. */
export async function gitRoot(folder: string): Promise<string | undefined> {
  try {
    return (await git(folder, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
}

export interface SourceVersion {
  /** Abbreviated commit id, or undefined outside git or before the first commit. */
  commit?: string;
  /** The commit's date (ISO 8601). */
  commitDate?: string;
  /** Whether tracked files differ from the commit, or files not yet added exist. */
  dirty: boolean;
  /** False when the manuscript is not in a git work tree. */
  versioned: boolean;
}

/** The version of the sources: the commit checked out and whether the tree has uncommitted changes. */
export async function sourceVersion(folder: string): Promise<SourceVersion> {
  const root = await gitRoot(folder);
  if (!root) return { dirty: false, versioned: false };
  let commit: string | undefined;
  let commitDate: string | undefined;
  try {
    [commit, commitDate] = (await git(root, ['log', '-1', '--format=%h%n%cI'])).trim().split('\n');
  } catch {
    // No commit yet.
  }
  const status = await git(root, ['status', '--porcelain']);
  return { commit: commit || undefined, commitDate: commitDate || undefined, dirty: status.trim() !== '', versioned: true };
}

/** The full commit id of a revision (branch, tag, `HEAD~2`…), or a BuildError that says what to give. */
export async function resolveRevision(root: string, revision: string): Promise<string> {
  if (revision.startsWith('-')) throw new BuildError(`\`${revision}\` is not a revision; give a commit, a branch or a tag`);
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`])).trim();
  } catch {
    throw new BuildError(`Unknown revision \`${revision}\` in ${root}; give a commit, a branch or a tag (\`git log --oneline\` lists them)`);
  }
}

/**
 * Write the files of `folder` (a path inside the work tree) as they were at `commit` into `target`.
 * Returns the folder inside `target` that corresponds to `folder`.
 */
export async function exportFolder(root: string, commit: string, folder: string, target: string): Promise<string> {
  const relative = path.relative(root, path.resolve(folder)).split(path.sep).join('/');
  const listing = await git(root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', relative || '.']);
  const files = listing.split('\0').filter(Boolean);
  if (files.length === 0) throw new BuildError(`\`${relative || '.'}\` does not exist at revision ${commit.slice(0, 7)}; give a later revision`);
  for (const file of files) {
    const destination = path.join(target, ...file.split('/'));
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, await gitBuffer(root, ['show', `${commit}:${file}`]));
  }
  return path.join(target, ...relative.split('/').filter(Boolean));
}
