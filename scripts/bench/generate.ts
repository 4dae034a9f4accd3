/**
 * `npx tsx scripts/bench/generate.ts --words 20000 [--seed 1944] [--out DIR]`: write one synthetic
 * manuscript (DIR/manuscript, and pandoc's copy in DIR/pandoc) to look at or build by hand.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { defaultSeed, generateManuscript, writeManuscript } from './manuscript.ts';
import { parseWordCount } from './sizes.ts';

const { values } = parseArgs({
  options: {
    words: { type: 'string', default: '20k' },
    seed: { type: 'string', default: String(defaultSeed) },
    out: { type: 'string' },
  },
});
const words = parseWordCount(values.words);
if (words === undefined) {
  process.stderr.write(`generate: \`--words ${values.words}\` is not a word count; write 20000 or 20k\n`);
  process.exit(2);
}
const out = path.resolve(values.out ?? path.join('build', 'bench', 'manuscripts', `${words / 1000}k`));
const generated = generateManuscript({ words, seed: Number(values.seed) });
const where = await writeManuscript(generated, out);
process.stdout.write(`${where.manuscript}\n${JSON.stringify(generated.stats, null, 2)}\n`);
