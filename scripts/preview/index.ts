/** `book preview`: the draft's HTML edition, served on 127.0.0.1 and rebuilt chapter by chapter. */
export { startPreview, resolveRequestPath, type PreviewOptions, type PreviewServer } from './server.ts';
export { PreviewSite, type RebuildResult, type PreviewMessage } from './site.ts';
