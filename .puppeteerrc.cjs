/**
 * Puppeteer comes with Ace by DAISY (@daisy/ace-cli, the EPUB accessibility checker of the tests).
 * npm cannot download browsers here: never fetch one, and use Debian's Chromium, as
 * scripts/browser.ts does (BOOK_CHROMIUM overrides).
 */
module.exports = {
  skipDownload: true,
  executablePath: process.env.BOOK_CHROMIUM || process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
};
