/**
 * `book preview`: the HTML edition of the draft served on 127.0.0.1, rebuilt chapter by chapter as
 * the manuscript is saved, and the open pages updated in place through Server-Sent Events (HTML
 * Living Standard, §9.2 "Server-sent events") — node:http alone, no server package.
 *
 * Serving is confined to the preview folder: a path is taken apart segment by segment from the raw
 * request line (Node does not normalise it), any `..` or `.` segment, encoded or not, is refused,
 * and the file's real path (symbolic links followed) must still lie inside the folder.
 */
import http from 'node:http';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { PreviewSite, type RebuildResult } from './site.ts';
import { BuildError } from '../errors.ts';
import { mediaType } from '../media-types.ts';
import { isInside } from '../manuscript/inside.ts';

export interface PreviewOptions {
  /** The manuscript folder (default `manuscript`). */
  manuscript?: string;
  /** Where the preview edition is written (default `build/preview`). */
  out?: string;
  /** Port on 127.0.0.1; 0 picks a free one (default 4000). */
  port?: number;
  /** Each rebuild, as it ends (for the terminal). */
  onRebuild?: (result: RebuildResult) => void;
  /** A rebuild that failed unexpectedly. */
  onError?: (error: unknown) => void;
}

export interface PreviewServer {
  url: string;
  port: number;
  site: PreviewSite;
  /** Stop watching, end the open event streams, close the server. */
  close(): Promise<void>;
}

const clientScript = fileURLToPath(new URL('./client.js', import.meta.url));
/** The proofs' styles: corrections (CriticMarkup) and editorial markers shown as in proofs. */
const proofStyles = fileURLToPath(new URL('../../templates/proof/proof.css', import.meta.url));
const eventsPath = '/__preview/events';
const clientPath = '/__preview/client.js';
const stylesPath = '/__preview/proof.css';
const ownFiles = new Map([
  [clientPath, [clientScript, 'text/javascript; charset=utf-8']],
  [stylesPath, [proofStyles, 'text/css; charset=utf-8']],
]);


/**
 * The file a request path names inside `root`, or a refusal. Works on the raw path: a `..` must be
 * refused, not resolved away.
 */
export function resolveRequestPath(root: string, rawPath: string): { file: string } | { status: 400 | 403 } {
  const pathname = rawPath.split('?')[0].split('#')[0];
  if (!pathname.startsWith('/')) return { status: 400 };
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { status: 400 };
    }
    if (segment === '..' || segment === '.' || /[\\/\0]/.test(segment)) return { status: 403 };
    if (segment !== '') segments.push(segment);
  }
  const file = path.join(root, ...segments);
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return { status: 403 };
  return { file };
}

/**
 * DNS rebinding: a page of another site whose name the attacker now points at 127.0.0.1 could read
 * the preview, but its requests carry that site's name as Host (RFC 9110 §7.2). Only our own names
 * with our port are answered; the port may be left out only when it is HTTP's default, 80.
 */
export function isPreviewHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const name = host.toLowerCase();
  return ['127.0.0.1', 'localhost', '[::1]'].some((own) => name === `${own}:${port}` || (port === 80 && name === own));
}

function send(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`${text}\n`);
}

/**
 * The preview's script and the proofs' styles go in at serving time: the files on disk stay the
 * plain HTML edition.
 */
function withClient(html: string): string {
  const tag = `<link rel="stylesheet" href="${stylesPath}"><script src="${clientPath}" defer></script>`;
  return html.includes('</head>') ? html.replace('</head>', `${tag}</head>`) : `${tag}${html}`;
}

export async function startPreview(options: PreviewOptions = {}): Promise<PreviewServer> {
  const manuscript = path.resolve(options.manuscript ?? 'manuscript');
  const site = await PreviewSite.create({ manuscript, dir: options.out ?? path.join('build', 'preview') });
  const root = await realpath(site.dir);
  const streams = new Set<http.ServerResponse>();

  const broadcast = (event: string, data: unknown) => {
    const payload = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(payload);
  };

  const server = http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, `Preview error: ${(error as Error).message}`);
      else response.end();
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const { port: ownPort } = server.address() as AddressInfo;
    if (!isPreviewHost(request.headers.host, ownPort)) {
      return send(response, 421, `Misdirected request: this preview answers only to 127.0.0.1:${ownPort}, localhost:${ownPort} or [::1]:${ownPort}`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'Only GET and HEAD are served');
    const raw = request.url ?? '/';
    if (raw.split('?')[0] === eventsPath) {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(`event: state\ndata: ${JSON.stringify({ errors: site.errors })}\n\n`);
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    const own = ownFiles.get(raw.split('?')[0]);
    if (own) {
      response.writeHead(200, { 'content-type': own[1], 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : await readFile(own[0]));
      return;
    }
    const resolved = resolveRequestPath(root, raw);
    if ('status' in resolved) return send(response, resolved.status, resolved.status === 403 ? 'Forbidden: outside the preview folder' : 'Bad request');
    let file = resolved.file;
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = path.join(file, 'index.html');
    const real = await realpath(file).catch(() => undefined);
    if (!real) return send(response, 404, `Not found: ${raw}`);
    if (!isInside(root, real)) return send(response, 403, 'Forbidden: outside the preview folder');
    const type = mediaType(real);
    // A rebuild under way rewrites its pages in place: the page is read once it is written whole
    // (a page read halfway showed without its text, the preview's script alone).
    await queue;
    let body: Buffer | string = await readFile(real);
    if (type.startsWith('text/html')) body = withClient(body.toString('utf8'));
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  // Rebuilds one at a time, in the order the saves came; a burst of events for one save is one rebuild.
  let queue: Promise<void> = Promise.resolve();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (file: string) => {
    pending.add(file);
    clearTimeout(timer);
    // Editors write a file in several system calls; gather the events of one save.
    timer = setTimeout(() => {
      const files = [...pending];
      pending.clear();
      queue = queue.then(() => rebuild(files)).catch((error: unknown) => options.onError?.(error));
    }, 30);
  };

  async function rebuild(files: string[]): Promise<void> {
    const wholeBook = files.some((file) => site.bookFiles.includes(file) || (site.errors['*'] !== undefined && file.endsWith('.yaml')));
    const results: RebuildResult[] = [];
    if (wholeBook) results.push(await site.rebuildAll());
    else for (const file of files) results.push(await site.rebuildChapter(file));
    for (const result of results) {
      if (!result.summary) continue;
      broadcast('change', { pages: result.pages, errors: result.errors });
      options.onRebuild?.(result);
    }
  }

  const wanted = options.port ?? 4000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new BuildError(`Port ${wanted} on 127.0.0.1 is in use; give another with --port (0 picks a free one)`)
          : error,
      );
    });
    server.listen(wanted, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const watchers: FSWatcher[] = [];
  const watched = new Set([manuscript, ...site.book.chapters.map((c) => path.dirname(c.source.path)), ...site.bookFiles.map((f) => path.dirname(f))]);
  for (const folder of watched) {
    const watcher = watch(folder, (_event, name) => {
      if (!name) return;
      const file = path.join(folder, name.toString());
      if (site.chapterIndexOf(file) >= 0 || site.bookFiles.includes(file) || path.basename(file) === 'book.yaml') schedule(file);
    });
    watcher.on('error', (error) => options.onError?.(error));
    watchers.push(watcher);
  }


  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    site,
    async close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      for (const stream of streams) stream.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // A rebuild under way finishes writing before we say we are done.
      await queue.catch(() => undefined);
    },
  };
}
