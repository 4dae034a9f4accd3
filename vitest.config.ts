import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** The longest files, longest first (about a minute for the first on an idle 2-core machine). */
const longest = ['pdf-render', 'bench-quick', 'epub-page-list', 'print', 'outputs', 'ids-and-nesting', 'html-edition', 'hostile', 'cli-conventions', 'hostile-property', 'check-rules', 'cli', 'epub'];

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

/**
 * The libraries as the command line loads them. Vite's server conditions include
 * `development|production`, which vitest passes to the test workers as `--conditions development`:
 * Node then loads the development builds of micromark and the rest of the unified collective, with
 * their assertions and debug logging, which `bin/book.js` never runs.
 */
const productionBuilds = {
  name: 'book:production-builds',
  configResolved(config: { ssr: { resolve?: { conditions?: string[] } } }) {
    const conditions = config.ssr.resolve?.conditions;
    if (conditions) conditions.splice(0, conditions.length, ...conditions.filter((c) => c !== 'development|production' && c !== 'development'));
  },
};

export default defineConfig({
  plugins: [productionBuilds],
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
    // The compile makes many short-lived objects: a larger young generation spends less time in
    // scavenges (about 4 % less CPU in the tests that compile in the worker).
    poolOptions: { forks: { execArgv: ['--max-semi-space-size=32'] } },
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: LongestFirst },
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
