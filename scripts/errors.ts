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
