// The benchmark's Typst anchor (scripts/bench/typst.ts makes the document): compile one Typst file
// to PDF with @myriaddreamin/typst-ts-node-compiler, the fonts read from one folder only. Plain
// JavaScript run by node, so that the timed child process is Typst's work and Node's start, as
// pandoc's is its own: no tsx, no module of ours.
//
//   node scripts/bench/typst-compile.mjs book.typ book.pdf fonts/
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [input, output, fonts] = process.argv.slice(2);
if (!input || !output || !fonts) {
  process.stderr.write('usage: node scripts/bench/typst-compile.mjs INPUT.typ OUTPUT.pdf FONT-FOLDER\n');
  process.exit(2);
}
const require = createRequire(import.meta.url);
let NodeCompiler;
try {
  ({ NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler'));
} catch (error) {
  process.stderr.write(`typst: @myriaddreamin/typst-ts-node-compiler cannot be loaded: ${String(error.message).split('\n')[0]}\n`);
  process.exit(3);
}
const compiler = NodeCompiler.create({ fontArgs: [{ fontPaths: [fonts] }] });
const result = compiler.compile({ mainFileContent: readFileSync(input, 'utf8') });
const document = result.result;
if (!document) {
  const diagnostics = compiler.fetchDiagnostics(result.takeError());
  for (const d of diagnostics.slice(0, 10)) process.stderr.write(`typst error: ${d.message ?? JSON.stringify(d)}${d.range ? ` (${d.range})` : ''}\n`);
  process.exit(1);
}
writeFileSync(output, compiler.pdf(document));
