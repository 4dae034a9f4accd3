import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** The longest files, longest first (about a minute for the first on an idle 2-core machine). */
const longest = ['pdf-render', 'bench-quick', 'epub-page-list', 'outputs', 'html-edition', 'ids-and-nesting', 'hostile', 'cli', 'epub'];

/** Starts the longest files first, so that the two workers end together rather than one waiting on the 300k-word PDF. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = longest.findIndex((name) => file.moduleId.endsWith(`/tests/${name}.test.ts`));
      return at < 0 ? longest.length : at;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The type check (npm test) and the shipped manuscript, built once for every test that reads its editions.
    globalSetup: ['tests/setup/index.ts'],
    // Bytes compared with memcmp (tests/setup/bytes.ts).
    setupFiles: ['tests/setup/bytes.ts'],
    // Two files at a time, one per core of the 2-core machine the suite is timed on: most files wait
    // on one process at a time (Chromium, Java, pandoc, the build's own thread).
    fileParallelism: true,
    // The files of a worker share its loaded modules instead of loading the pipeline again for each
    // file (about a tenth of the suite's CPU time went to that). Tests that change process state
    // (the working folder, environment variables, spies) restore it in a finally or afterEach.
    isolate: false,
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: LongestFirst },
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
