/**
 * The browser boundary: Debian's Chromium driven by playwright-core. Every use goes through
 * `withBrowser`, which always closes the browser, even on error, and turns page errors, console
 * errors and failed requests into diagnostics the caller can report.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { BuildError } from './errors.ts';

/**
 * Where Debian puts the browser; BOOK_CHROMIUM overrides. Its headless shell first
 * (`chromium-headless-shell`, the same Chromium without a browser's windows, tabs and their
 * helpers, which Playwright also prefers for headless work): it starts in less than half the time
 * and CPU of the whole browser, and lays out and prints the same pages. Its binary is started
 * itself: Debian's /usr/bin/chromium-headless-shell is a shell script that runs it without `exec`,
 * a process more between Node and the browser. `chromium` otherwise.
 */
export const chromiumCandidates = (): string[] =>
  [process.env.BOOK_CHROMIUM, '/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => typeof p === 'string' && p !== '');

export function chromiumPath(): string {
  const found = chromiumCandidates().find((p) => existsSync(p));
  if (!found) {
    throw new BuildError(
      'Chromium is not installed: the PDF, the EPUB cover and the browser tests need it. Run `bash scripts/setup.sh` (it installs Debian\'s `chromium-headless-shell` and `chromium`), or set BOOK_CHROMIUM to a Chromium binary.',
    );
  }
  return found;
}

/** What a rendering depends on besides its page: the browser binary (its identity, not its bytes); the covers' caches key on it. */
export function browserIdentity(): string {
  return [chromiumPath(), '/usr/lib/chromium/chromium']
    .filter((file) => existsSync(file))
    .map((file) => {
      const real = realpathSync(file);
      const { size, mtimeMs } = statSync(real);
      return `${real}:${size}:${mtimeMs}`;
    })
    .join('|');
}

/**
 * Flags for a closed network and a root user: no sandbox (root), no background traffic (every
 * connection out is refused here and would only slow the start), no GPU.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--font-render-hinting=none',
];

/**
 * Chromium features off in every browser we start. Chromium keeps the last `--disable-features`
 * it is given, and Playwright passes its own list first, so ours repeats Playwright's (playwright-core
 * 1.65, chromiumSwitches.ts: no background requests to Google, no HTTPS upgrades, paint not held…)
 * and adds: the omnibox popup, which Chromium 15x preloads as a WebUI page in a renderer process of
 * its own (about 150 MB) for every browser context, headless included, where nobody ever sees it.
 * tests/browser.test.ts checks that no such renderer starts.
 */
const disabledFeatures = [
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay', 'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
  'WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup',
];

/**
 * Chromium features on: Playwright's (playwright-core 1.65, chromiumSwitches.ts, repeated for the
 * same reason as above) and the network service inside the browser's process.
 */
const enabledFeatures = ['CDPScreenshotNewSurface', 'SkipListAccountsWithoutGaiaCookies', 'NetworkServiceInProcess2'];

/**
 * The browser in as few processes as it can run in: no zygotes (the processes Chromium forks
 * renderers from), the GPU and network services inside the browser's process; each part of the
 * PDF's layout, each page, still in a renderer of its own. Every process maps Chromium's code
 * again: an idle browser with one page went from 6 processes and 438 MB of summed RSS to 2 and
 * 249 MB (PSS 202 → 177 MB); the 300k-word book's PDF peak from 1.79 to 1.59 GB, in no more time.
 */
const fewProcesses = ['--no-zygote', '--in-process-gpu'];

/** Start Chromium; `disableFeatures`: more features off, in the same switch as ours. */
export async function launchBrowser(extraArgs: string[] = [], disableFeatures: string[] = []): Promise<Browser> {
  const features = [`--disable-features=${[...disabledFeatures, ...disableFeatures].join(',')}`, `--enable-features=${enabledFeatures.join(',')}`];
  // Loaded when a browser is started, not with this module: an EPUB whose cover is in the cache
  // never starts one (playwright-core takes 0.25 s to load). Required, as the CommonJS module it
  // is: imported, Node would first scan it and the 3 MB bundle it re-exports for the names they
  // export (cjs-module-lexer, 117 ms).
  const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...chromiumArgs, ...fewProcesses, ...extraArgs, ...features] });
}

export interface PageProblems {
  /** Uncaught errors and console errors of the page. */
  errors: string[];
  /** Requests that failed (a missing font or image). */
  failedRequests: string[];
}

/** Record what goes wrong in a page, to be reported by the caller. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { errors: [], failedRequests: [] };
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(message.text());
  });
  page.on('requestfailed', (request) => problems.failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`));
  return problems;
}

/** The browser a `withSharedBrowser` scope lends to every `withBrowser` inside it. */
const sharedScope = new AsyncLocalStorage<{ browser?: Promise<Browser> }>();

/**
 * Run `work` with one browser for every `withBrowser` inside it — a build's PDF layout, printed cover
 * and EPUB cover — started when first asked for, with that first caller's flags, and closed when
 * `work` ends, whatever happens (each start costs about half a second of CPU). Each user still
 * works in a browser context of its own, and closes it.
 */
export async function withSharedBrowser<T>(work: () => Promise<T>): Promise<T> {
  const shared: { browser?: Promise<Browser> } = {};
  try {
    return await sharedScope.run(shared, work);
  } finally {
    if (shared.browser) await shared.browser.then((browser) => browser.close()).catch(() => undefined);
  }
}

/** Run `work` with a fresh browser (or the scope's, see withSharedBrowser); the browser is closed whatever happens. */
export async function withBrowser<T>(work: (browser: Browser) => Promise<T>, extraArgs: string[] = [], disableFeatures: string[] = []): Promise<T> {
  const shared = sharedScope.getStore();
  if (shared) {
    // A browser that crashed or was closed is started again.
    if (!shared.browser || !(await shared.browser.then((browser) => browser.isConnected(), () => false))) shared.browser = launchBrowser(extraArgs, disableFeatures);
    return work(await shared.browser);
  }
  const browser = await launchBrowser(extraArgs, disableFeatures);
  try {
    return await work(browser);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/**
 * Wait until the page's fonts are loaded and `family` among them (fonts load when layout asks for
 * them: done when none is pending and the book's face is in); false when that takes longer than
 * `timeoutMs`. The covers (EPUB and print) wait so before their screenshot or PDF.
 */
async function fontLoaded(page: Page, family: string, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction(
      (name) => document.fonts.status === 'loaded' && [...document.fonts].some((face) => face.family.replace(/['"]/g, '') === name && face.status === 'loaded'),
      family,
      { timeout: timeoutMs },
    );
    return true;
  } catch {
    return false;
  }
}

const coverFontTimeoutMs = 30_000;

/**
 * A cover (the EPUB's picture, the printed cover's PDF): the page of our own at `file`, opened in a
 * browser context of its own, every request outside its folder refused, its font `family` loaded
 * and no error on it; `work` then takes its picture or prints it, and the context is closed whatever
 * happens (the browser may be a build's, shared). `what` names the step in an error.
 */
export async function withCoverPage<T>(file: string, family: string, what: string, contextOptions: BrowserContextOptions, work: (page: Page) => Promise<T>): Promise<T> {
  return withBrowser(async (browser) => {
    const context = await browser.newContext(contextOptions);
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      const refused: string[] = [];
      const folder = `${pathToFileURL(path.dirname(file)).href}/`;
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(folder)) return route.continue();
        refused.push(url);
        return route.abort('blockedbyclient');
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: coverFontTimeoutMs });
      if (!(await fontLoaded(page, family, coverFontTimeoutMs))) {
        throw new BuildError(`The cover's font ${family} did not load within ${coverFontTimeoutMs / 1000} s in Chromium; check the family and files named by \`fonts\` in book.yaml, or that its @fontsource package is installed (npm ci)`);
      }
      const failures = [...problems.errors, ...problems.failedRequests, ...refused];
      if (failures.length > 0) throw new BuildError(`${what} failed: ${failures.join('; ')}`);
      return await work(page);
    } finally {
      await context.close().catch(() => undefined);
    }
  });
}
