import type { VFile } from 'vfile';

/**
 * A build that cannot go on. It carries the files whose messages say why (with places), so the
 * command line prints them like any other diagnostic.
 */
export class BuildError extends Error {
  readonly files: VFile[];
  constructor(message: string, files: VFile[] = []) {
    super(message);
    this.name = 'BuildError';
    this.files = files;
  }
}

/**
 * A command that cannot be run as given (exit 2), such as an output folder that would put the
 * user's files at risk. Refused before any work, so nothing was read or written.
 */
export class UsageError extends BuildError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
