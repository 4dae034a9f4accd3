// pagedjs-cli's command line, run as it is, with one setting its options do not reach: Puppeteer's
// protocol timeout. Puppeteer ends any single DevTools call after 180 s (`protocolTimeout`), and
// pagedjs-cli's one `Page.printToPDF` of the 300k-word book (1,000+ pages) takes longer: the run
// failed with "Page.printToPDF timed out" in most full runs, though the layout was done. The
// benchmark has its own limit on the whole run (`--timeout`), so the protocol's is lifted here;
// nothing else changes (pagedjs-cli's layout, printing and post-processing are its own).
//
// Usage: node pagedjs-cli-patient.mjs PATH/TO/pagedjs-cli/src/cli.js [pagedjs-cli's arguments]
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Longer than any benchmark run; Node's timers take at most 2^31 - 1 ms. */
const protocolTimeout = 24 * 60 * 60 * 1000;

const [cli, ...args] = process.argv.slice(2);
if (!cli) {
  process.stderr.write('usage: node pagedjs-cli-patient.mjs PATH/TO/pagedjs-cli/src/cli.js [arguments]\n');
  process.exit(2);
}

// The ES module of Puppeteer that pagedjs-cli's src/printer.js imports (its own dependency, resolved
// from its folder, not one of ours): the same file, hence the same instance.
let dir = path.dirname(createRequire(cli).resolve('puppeteer'));
while (!existsSync(path.join(dir, 'package.json')) || JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== 'puppeteer') {
  const up = path.dirname(dir);
  if (up === dir) throw new Error(`no puppeteer package above ${cli}`);
  dir = up;
}
const { exports } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
const entry = exports?.['.']?.import;
if (typeof entry !== 'string') throw new Error(`puppeteer's package.json names no ES module entry (${dir})`);
const puppeteer = (await import(pathToFileURL(path.join(dir, entry)).href)).default;
const launch = puppeteer.launch.bind(puppeteer);
const connect = puppeteer.connect.bind(puppeteer);
puppeteer.launch = (options = {}) => launch({ protocolTimeout, ...options });
puppeteer.connect = (options = {}) => connect({ protocolTimeout, ...options });

process.argv = [process.argv[0], cli, ...args];
await import(pathToFileURL(cli).href);
