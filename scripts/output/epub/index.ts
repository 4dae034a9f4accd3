/**
 * The EPUB 3 edition: `book.epub`. The chapters are the shared chapter rendering with EPUB
 * semantics added (content.ts); print page numbers come from the PDF built in the same run
 * (page-breaks.ts); epub-gen-memory makes the package (the client's requirement); then our own
 * step corrects what it gets wrong (package-document.ts), puts in our navigation document and
 * cover page, and writes the zip reproducibly (zip.ts). See docs/epub.md.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Root, Element } from 'hast';
import { visit } from '../../tree/visit.ts';
import { EPub, type Options, type Chapter as EpubChapter } from 'epub-gen-memory';
import type { Book, Chapter, PrintPage } from '../../model/index.ts';
import { BuildError } from '../../errors.ts';
import { report } from '../../check/messages.ts';
import { coverPage, navigationDocument, partPage, titlePage } from './pages.ts';
import { addEpubSemantics, chapterBody, chapterCopy, imagesWithoutAlt, resolveLinks, substituteCharacters, visibleText } from './content.ts';
import { insertPageBreaks, type PagedDocument, type PageListEntry } from './page-breaks.ts';
import { serializeXhtmlDocument, serializeXhtmlFragment } from './xhtml.ts';
import { bookIdentifier, type BookIdentifier } from './identifier.ts';
import { bookDate, w3cDateTime } from '../book-date.ts';
import { characterSubstitutes, fontsForText, type CharacterPlace, type EmbeddedFont } from './fonts.ts';
import { layoutFeaturesOf } from '../font-subset.ts';
import { renderCover, epubTemplateDir } from './cover.ts';
import { fixPackageDocument, type AccessibilityFacts, type PackageFacts } from './package-document.ts';
import { imageHref, nameImages, type PackageImage } from './images.ts';
import { readZip, writeReproducibleZip } from './zip.ts';
import { localImages } from '../local-images.ts';
import { isExternalUrl } from '../../manuscript/inside.ts';
import { rewriteInternalLinks } from '../../render/links.ts';
import { putBackSvg, takeOutSvg } from './svg.ts';

export const epubFileName = 'book.epub';

/** Where epub-gen-memory puts the publication's files (its container.xml points there). */
const oebps = 'OEBPS/';
const navHref = 'toc.xhtml';
const coverPageHref = 'cover.xhtml';
const coverImageHref = 'cover.png';
const titlePageHref = 'titlepage.xhtml';

/**
 * epub-gen-memory with the book's identifier instead of a random one (it also goes into toc.ncx),
 * with the images named by the book (images.ts), and with the subset fonts given as bytes. Its constructor reads the chapters and gives
 * every `<img>` a random name, with no option to do otherwise, but looks each `src` up in its image
 * list first: that list is ours from the start (the constructor assigns it, hence an accessor), so
 * it finds every image already named and keeps the name. The files are read, not fetched.
 */
function bookEpub(options: Options, content: EpubChapter[], identifier: string, images: PackageImage[], fonts: EmbeddedFont[]): EPub {
  // epub-gen-memory's image record (its type is not exported): found by `url`, written `images/${id}.${extension}`.
  const listed = images.map((image) => ({ url: imageHref(image), id: image.id, extension: image.extension, mediaType: image.mediaType }));
  class BookEpub extends EPub {
    constructor() {
      super(options, content);
      this.uuid = identifier;
    }

    protected override async downloadAllImages(): Promise<void> {
      if (listed.length > images.length) throw new Error(`epub-gen-memory found an image not named by the book: ${listed[images.length].url}`);
      if (images.length === 0) return;
      const folder = this.zip.folder('OEBPS')!.folder('images')!;
      for (const image of images) folder.file(`${image.id}.${image.extension}`, await readFile(image.file));
    }

    // The subset fonts are made in memory (fonts.ts): written as they are, not fetched.
    protected override async downloadAllFonts(): Promise<void> {
      const folder = this.zip.folder('OEBPS')!.folder('fonts')!;
      for (const font of fonts) folder.file(font.filename, font.data);
    }
  }
  Object.defineProperty(BookEpub.prototype, 'images', { get: () => listed, set: () => undefined });
  return new BookEpub();
}

/** A content document of the spine, before serialisation. */
interface SpineDocument extends PagedDocument {
  title: string;
  /** The chapter it renders, for messages and images. */
  chapter?: Chapter;
  beforeToc: boolean;
}

/**
 * File names epub-gen-memory keeps as given, and EPUBCheck accepts (PKG-009, PKG-012): ASCII letters,
 * digits, `-._`, from the page name (render/ids.ts) with its accents dropped; unique, without case.
 */
function fileNamer() {
  const used = new Set([navHref, coverPageHref, titlePageHref, 'toc.ncx', 'content.opf', 'style.css']);
  return (base: string, fallback: string) => {
    const clean = base.normalize('NFD').replace(/[^-._A-Za-z0-9]/g, '').replace(/^[-.]+/, '') || fallback;
    let name = `${clean}.xhtml`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${clean}-${n}.xhtml`;
    used.add(name.toLowerCase());
    return name;
  };
}

/** The reading order: the title page, then the book's outline, each part opening on a page of its own. */
function spineDocuments(book: Book): SpineDocument[] {
  const name = fileNamer();
  const documents: SpineDocument[] = [
    { key: 'titlepage', href: titlePageHref, title: book.typeset.title, tree: titlePage(book), beforeToc: true },
  ];
  const addChapter = (index: number) => {
    const chapter = book.chapters[index];
    documents.push({ key: chapter.id, href: name(chapter.id, `chapter-${index + 1}`), title: chapter.title, tree: chapterCopy(chapter), chapter, beforeToc: false });
  };
  for (const line of book.outline) {
    if (line.type === 'chapter') {
      addChapter(line.chapter);
      continue;
    }
    documents.push({ key: line.id, href: name(line.id, `part-${line.part + 1}`), title: line.title, tree: partPage(book, line), beforeToc: false });
    line.chapters.forEach(addChapter);
  }
  return documents;
}

/**
 * Refuse images without text alternatives, and point local images at their files: only files inside
 * the manuscript folder are embedded (scripts/output/local-images.ts).
 */
function resolveImages(document: SpineDocument, root: string): void {
  const chapter = document.chapter;
  if (!chapter) return;
  const problems = imagesWithoutAlt(document.tree);
  visit(document.tree, 'element', (node: Element) => {
    if (node.tagName !== 'img' || typeof node.properties.src !== 'string') return;
    const src = node.properties.src;
    if (isExternalUrl(src)) {
      problems.push({ node, reason: `Image \`${src}\` is not a file of the manuscript: an EPUB must carry its images (EPUB 3.3 §3.6); download it next to the chapter and link it by its file name` });
    }
  });
  if (problems.length === 0) {
    for (const image of localImages(document.tree, chapter.source.path, root)) image.node.properties.src = pathToFileURL(image.file).href;
    return;
  }
  for (const { node, reason } of problems) {
    report(chapter.file, 'epub-image', reason, node.position);
  }
  throw new BuildError(`The EPUB cannot be made: ${problems.length} image problem${problems.length > 1 ? 's' : ''} in ${path.basename(chapter.source.path)}`, [chapter.file]);
}

function collectCharacters(into: Map<number, CharacterPlace>, tree: Root, where: string, chapter?: Chapter): void {
  visibleText(tree, (text, position) => {
    for (const character of text) {
      const c = character.codePointAt(0)!;
      if (into.has(c)) continue;
      const line = position ? `:${position.start.line}:${position.start.column}` : '';
      into.set(c, { file: chapter?.file, position, where: chapter ? `${path.basename(chapter.source.path)}${line}` : where });
    }
  });
}

function accessibility(book: Book, pageList: PageListEntry[], hasImages: boolean): AccessibilityFacts {
  const labels = book.labels.epub;
  const paged = pageList.length > 0;
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability'];
  if (hasImages) features.push('alternativeText');
  if (paged) features.push('pageBreakMarkers', 'printPageNumbers', 'pageNavigation');
  const summary = labels.accessibilitySummary(paged);
  const printSource = [book.typeset.title, book.meta.publisher, book.meta.date].filter(Boolean).join(', ');
  return {
    accessModes: hasImages ? ['textual', 'visual'] : ['textual'],
    accessModesSufficient: ['textual'],
    features,
    hazards: ['none'],
    summary,
    conformsTo: 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA',
    pageBreakSource: paged ? `${printSource} — ${labels.printEdition}` : undefined,
  };
}

function packageFacts(book: Book, identifier: BookIdentifier, modified: Date, pageList: PageListEntry[], hasImages: boolean, firstBodyHref: string, svgDocuments: string[] = []): PackageFacts {
  const { meta, typeset, labels } = book;
  return {
    language: meta.language,
    identifier,
    title: typeset.title,
    subtitle: typeset.subtitle || undefined,
    creators: [...meta.authors.map((name) => ({ name, role: 'aut' as const })), ...meta.editors.map((name) => ({ name, role: 'edt' as const }))],
    contributors: meta.translators.map((name) => ({ name, role: 'trl' as const })),
    publisher: meta.publisher,
    date: meta.date,
    rights: meta.rights,
    modified: w3cDateTime(modified),
    accessibility: accessibility(book, pageList, hasImages),
    coverImage: coverImageHref,
    addedDocuments: [{ id: 'cover-page', href: coverPageHref, spine: true }],
    svgDocuments,
    guide: [
      { type: 'cover', title: labels.epub.cover, href: coverPageHref },
      { type: 'title-page', title: labels.epub.titlePage, href: titlePageHref },
      { type: 'toc', title: labels.contents, href: navHref },
      { type: 'text', title: labels.epub.start, href: firstBodyHref },
    ],
  };
}

export interface EpubResult {
  /** The page list written, empty when no print edition was built in the same run. */
  pageList: PageListEntry[];
}

export interface EpubOptions {
  /** The book's date (scripts/output/book-date.ts), which `build()` gives; computed here when left out. */
  date?: Date;
  /** The print edition's page map, when the PDF was built in the same run (`build()` gives it). */
  printPages?: PrintPage[];
}

/** Write the EPUB to `file`. `workDir` is a scratch folder for the cover rendering. */
export async function writeEpub(book: Book, file: string, workDir: string, { date, printPages }: EpubOptions = {}): Promise<EpubResult> {
  if (book.chapters.length === 0) throw new BuildError('The book has no chapter: there is nothing to put in the EPUB');
  const { labels } = book;
  const documents = spineDocuments(book);
  for (const document of documents) resolveImages(document, book.root);
  // `chapitre.md#id` becomes that chapter's file (render/links.ts).
  const fileOf = new Map(documents.flatMap((document) => (document.chapter ? [[document.chapter, document.href] as const] : [])));
  for (const document of documents) {
    if (document.chapter) rewriteInternalLinks(document.tree, book, document.chapter, { page: (chapter) => fileOf.get(chapter) ?? '' });
  }
  const pageList = printPages?.length ? insertPageBreaks(documents, printPages) : [];
  for (const document of documents) {
    document.tree = document.chapter ? chapterBody(book, document.chapter, document.tree) : addEpubSemantics(document.tree);
  }
  resolveLinks(documents.map((d) => ({ href: d.href, tree: d.tree, sourceName: d.chapter && path.basename(d.chapter.source.path) })));

  const firstBody = documents.find((d) => d.chapter?.source.matter === 'body') ?? documents[1];
  const firstBodyIndex = documents.indexOf(firstBody);
  const opening = documents[firstBodyIndex - 1]?.key === book.meta.parts[firstBody.chapter?.source.part ?? -1]?.id ? documents[firstBodyIndex - 1] : firstBody;
  const navigation = navigationDocument(book, {
    chapterHref: (chapter) => documents.find((d) => d.chapter === chapter)!.href,
    partHref: (part) => documents.find((d) => d.key === part.id)!.href,
    coverHref: coverPageHref,
    titlePageHref,
    pageList,
  });
  const cover = coverPage(book, coverImageHref);
  const substitutes = await characterSubstitutes(book);
  for (const tree of [...documents.map((d) => d.tree), navigation]) substituteCharacters(tree, substitutes);

  const characters = new Map<number, CharacterPlace>();
  for (const document of documents) collectCharacters(characters, document.tree, `the page « ${document.title} »`, document.chapter);
  collectCharacters(characters, navigation, 'the table of contents');
  const style = await readFile(path.join(epubTemplateDir, 'style.css'), 'utf8');
  const fonts = await fontsForText(book, characters, layoutFeaturesOf(style));
  const css = `${fonts.css}\n${style}`;

  const coverImage = await renderCover(book, workDir);
  const warnings: string[] = [];
  const identifier = bookIdentifier(book.meta);
  // Named last, on the trees about to be written: in reading order, as a reader meets them.
  const images = nameImages(documents.map((document) => document.tree));
  // Inline SVG (maps) cannot pass through epub-gen-memory: taken out here, put back below (svg.ts).
  const drawings = new Map(documents.map((document) => [document.href, takeOutSvg(document.tree)]));
  const generator = bookEpub(
    {
      title: book.typeset.title,
      author: [...book.meta.authors, ...book.meta.editors],
      lang: book.meta.language,
      tocTitle: labels.contents,
      tocInTOC: true,
      numberChaptersInTOC: false,
      prependChapterTitles: false,
      css,
      fonts: fonts.fonts.map((font) => ({ filename: font.filename, url: `fonts/${font.filename}` })),
      cover: new File([new Uint8Array(coverImage)], coverImageHref, { type: 'image/png' }),
      version: 3,
      ignoreFailedDownloads: false,
      verbose: (type, ...args) => {
        if (type === 'warn') warnings.push(args.map(String).join(' '));
      },
    },
    documents.map((document) => ({
      title: document.title,
      content: serializeXhtmlFragment(document.tree),
      filename: document.href,
      beforeToc: document.beforeToc,
    })),
    identifier.value,
    images,
    fonts.fonts,
  );
  // Its zip is read again at once below: stored, not deflated (genEpub deflates at level 9, in JavaScript).
  await generator.render();
  const generated = await generator.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  if (warnings.length > 0) {
    // It drops attributes and elements it does not know; ours must all survive.
    throw new BuildError(`epub-gen-memory changed the book's content: ${warnings.join('; ')}. Adapt scripts/output/epub/content.ts so that it only writes what epub-gen-memory keeps`);
  }

  const files = new Map<string, Uint8Array | string>(await readZip(generated));
  const opfName = `${oebps}content.opf`;
  const opf = Buffer.from(files.get(opfName)!).toString('utf8');
  const modified = date ?? (await bookDate(book));
  const svgDocuments = [...drawings].filter(([, svgs]) => svgs.length > 0).map(([href]) => href);
  for (const href of svgDocuments) {
    const name = oebps + href;
    files.set(name, putBackSvg(Buffer.from(files.get(name)!).toString('utf8'), drawings.get(href)!));
  }
  files.set(opfName, fixPackageDocument(opf, packageFacts(book, identifier, modified, pageList, images.length > 0 || svgDocuments.length > 0, opening.href, svgDocuments)));
  files.set(oebps + navHref, serializeXhtmlDocument(navigation));
  files.set(oebps + coverPageHref, serializeXhtmlDocument(cover));

  await writeFile(file, await writeReproducibleZip(files, modified));
  await rm(workDir, { recursive: true, force: true });
  return { pageList };
}
