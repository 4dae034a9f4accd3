/**
 * Puppeteer comes with Ace by DAISY (@daisy/ace-cli, the EPUB accessibility checker of the tests).
 * npm cannot download browsers here: never fetch one, and use Debian's Chromium, as
 * scripts/browser.ts does: its headless shell, else the browser (BOOK_CHROMIUM overrides).
 */
const { existsSync } = require('node:fs');

module.exports = {
  skipDownload: true,
  executablePath:
    process.env.BOOK_CHROMIUM ||
    process.env.PUPPETEER_EXECUTABLE_PATH ||
    ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium'].find((file) => existsSync(file)) ||
    '/usr/bin/chromium',
};
