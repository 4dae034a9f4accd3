/**
 * The two validators of the EPUB tests: EPUBCheck (Debian's package) and Ace by DAISY
 * (@daisy/ace-cli, driving Debian's Chromium through Puppeteer; .puppeteerrc.cjs stops Puppeteer
 * from fetching a browser of its own).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

/** EPUBCheck's messages (all severities, USAGE included) for `file`. */
export async function epubcheck(file: string): Promise<EpubcheckMessage[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'epubcheck-'));
  try {
    const report = path.join(dir, 'report.json');
    // Exit code 1 means "errors found": read the report either way.
    await run('java', ['-XX:TieredStopAtLevel=1', '-jar', epubcheckJar, file, '--json', report, '-q'], { timeout: 120_000 }).catch(() => undefined);
    const json = JSON.parse(await readFile(report, 'utf8')) as { messages: EpubcheckMessage[] };
    return json.messages;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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

/** Ace by DAISY's outcome and violations for `file`. */
export async function ace(file: string): Promise<{ outcome: string; violations: AceViolation[] }> {
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
