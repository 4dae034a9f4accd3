/**
 * The Chromium every edition starts (scripts/browser.ts): one renderer process per page we open, and
 * nothing the browser would preload for a window nobody sees (Chromium 15x's omnibox popup, a
 * WebUI page in a renderer of its own, about 150 MB for every browser context).
 */
import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../scripts/browser.ts';

describe('the browser of the editions', () => {
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
});
