/**
 * The Chromium every edition starts (scripts/browser.ts): one renderer process per page we open, and
 * nothing the browser would preload for a window nobody sees (Chromium 15x's omnibox popup, a
 * WebUI page in a renderer of its own, about 150 MB for every browser context).
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import { chromiumPath, launchBrowser, withBrowser, withSharedBrowser } from '../scripts/browser.ts';

describe('the browser of the editions', () => {
  it('is Debian\'s headless shell of Chromium when it is installed (scripts/setup.sh installs it), else Chromium', () => {
    const shell = '/usr/lib/chromium/chromium-headless-shell';
    const expected = process.env.BOOK_CHROMIUM || (existsSync(shell) ? shell : '/usr/bin/chromium');
    expect(chromiumPath()).toBe(expected);
  });

  it('starts one renderer per context with a page, and no WebUI page of its own', async () => {
    const browser = await launchBrowser([], ['SpareRendererForSitePerProcess']);
    try {
      for (let k = 0; k < 3; k++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.setContent('<p>Texte</p>');
      }
      const cdp = await browser.newBrowserCDPSession();
      const { targetInfos } = (await cdp.send('Target.getTargets', { filter: [{}] } as never)) as { targetInfos: Array<{ type: string; url: string }> };
      expect(targetInfos.filter((target) => target.url.startsWith('chrome://')).map((target) => `${target.type} ${target.url}`)).toEqual([]);
      expect(targetInfos.filter((target) => target.type === 'page')).toHaveLength(3);
      const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string }> };
      expect(processInfo.filter((info) => info.type === 'renderer')).toHaveLength(3);
    } finally {
      await browser.close();
    }
  });

  it('lends one browser to every user inside a build\'s scope, closes it when the scope ends, and starts a new one when it is gone', async () => {
    const seen: Browser[] = [];
    const failed = await withSharedBrowser(async () => {
      seen.push(await withBrowser(async (browser) => browser));
      seen.push(await withBrowser(async (browser) => browser));
      expect(seen[1]).toBe(seen[0]);
      expect(seen[0].isConnected()).toBe(true);
      // Closed under it (a crash): the next user gets a new one.
      await seen[0].close();
      seen.push(await withBrowser(async (browser) => browser));
      expect(seen[2]).not.toBe(seen[0]);
      expect(seen[2].isConnected()).toBe(true);
      // An error inside the scope still closes its browser.
      throw new Error('stopped');
    }).catch((error: Error) => error.message);
    expect(failed).toBe('stopped');
    expect(seen[2].isConnected()).toBe(false);
    // Outside a scope, a browser of its own each time, closed after use.
    const own = await withBrowser(async (browser) => browser);
    expect(own).not.toBe(seen[2]);
    expect(own.isConnected()).toBe(false);
  });
});
