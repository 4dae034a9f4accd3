/** The tool's words in English: also those of a book in a language that has no labels of its own yet. */
import { romanNumeral, type Labels } from './labels.ts';

const ordinals = [
  'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten',
  'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen', 'Twenty',
];

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const en: Labels = {
  contents: 'Contents',
  notes: 'Notes',
  noteBacklink: (n) => `Back to note call ${n}`,
  noteCall: (n) => `Note ${n}`,
  previous: 'Previous',
  next: 'Next',
  testimony: 'Testimony',
  document: 'Document',
  todo: 'To be completed by the editors',
  originalLanguage: 'original language',
  translatedBy: 'translation',
  archive: 'archive',
  shelfmark: 'shelf mark',
  source: 'source',
  underTheDirectionOf: 'Edited by',
  bibliography: 'Bibliography',
  chapterNavigation: 'Previous and next chapters',
  skipToContent: 'Skip to text',
  front: 'Front matter',
  back: 'Back matter',
  beforeColon: '',
  workingDraft: 'Working draft',
  apparatus: {
    glossary: 'Glossary',
    placesIndex: 'Index of places',
    biographies: 'Biographical notes',
    abbreviations: 'Abbreviations',
    mentions: 'Mentioned',
  },

  epub: {
    landmarks: 'Landmarks',
    pageList: 'Page list',
    cover: 'Cover',
    titlePage: 'Title page',
    start: 'Start of text',
    part: (n) => `Part ${romanNumeral(n)}`,
    // The space before the colon is the house style of the EPUB's cover text in every language.
    coverAlt: (title, subtitle, editors) =>
      [`Cover : ${title}`, subtitle, editors.length ? `edited by ${editors.join(', ')}` : undefined].filter(Boolean).join(' — '),
    accessibilitySummary: (paged) =>
      [
        'This publication meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA.',
        'It has a table of contents, landmarks, structured headings and a logical reading order; notes link to and from their calls; passages in other languages are marked with their language.',
        paged ? 'The page numbers of the print edition are included (page list and page-break markers).' : 'It carries no print pagination.',
        'Fonts are embedded but readers may change them, as well as text size and colours. No known hazards (flashing, sound, motion).',
      ].join(' '),
    printEdition: 'print edition (PDF) of the same version',
  },

  print: {
    indexOfNames: 'Index of names',
    partLabel: (n) => (ordinals[n - 1] ? `Part ${ordinals[n - 1]}` : `Part ${n}`),
    typeset: (family, licence) => `Set in ${family}${licence ? ` (${licence})` : ''}.`,
    draft: 'Working draft: this text is not final.',
    isbn: 'ISBN',
    publishedBy: 'Publisher',
    rights: 'Rights',
  },

  proof: {
    watermark: 'PROOF',
    proof: 'Proof',
    status: { draft: 'working draft', release: 'final version' },
    source: 'source',
    uncommitted: 'uncommitted changes',
    committed: 'no uncommitted change',
    unversioned: 'not under git',
    noCommit: 'no commit',
    line: 'l.',
    paragraph: '§',
    messages: 'Check messages',
    noMessage: 'The checks report nothing.',
    unplaced: 'Messages with no place in the rendered text',
    bookMessages: 'Messages on the whole book',
    chapterMessages: (n) => `${n} message${n > 1 ? 's' : ''}`,
    severity: { error: 'error', warning: 'warning', info: 'info' },
    pdf: 'PDF proof',
    howTo: 'Numbers in the left margin (§) number the paragraphs of each chapter: "p. 47, § 3". Flags ⚑ point to the messages in the right margin.',
    comment: 'Comment',
  },

  diff: {
    title: 'Differences',
    between: (a, b) => `Between ${a} and ${b}`,
    workingTree: 'the working tree',
    status: { added: 'added', removed: 'removed', modified: 'modified', unchanged: 'unchanged' },
    chapter: 'Chapter',
    state: 'State',
    words: 'Words',
    notes: 'Notes',
    citations: 'Citations',
    unchanged: (n) => `${plural(n, 'chapter unchanged', 'chapters unchanged')}`,
    noChange: 'No difference in the rendered text.',
    wordCounts: (i, d) => `+${i} / −${d}`,
    noteCounts: (c) =>
      `${c.before} → ${c.after}${c.added || c.removed || c.modified ? ` (${[c.added && `${c.added} added`, c.removed && `${c.removed} removed`, c.modified && `${c.modified} changed`].filter(Boolean).join(', ')})` : ''}`,
    changes: 'Changes',
    note: 'Note',
    renumbered: (before) => `(was ${before})`,
    summaryLink: 'Summary of the differences',
    file: 'File',
  },
  notesAfterPunctuation: true,

  figures: {
    figure: (n) => `Figure ${n}`,
    table: (n) => `Table ${n}`,
    captionSeparator: '. ',
    figureRef: (n) => `figure ${n}`,
    tableRef: (n) => `table ${n}`,
    illustrations: 'List of illustrations',
    pageAfter: ', p.\u00a0',
    seePageBefore: ' (see p.\u00a0',
    seePageAfter: ')',
  },

  search: {
    label: 'Search the book',
    placeholder: 'Search the book',
    none: 'No passage contains these words.',
    one: 'One passage.',
    many: '{n} passages.',
    unavailable: 'The search could not be loaded.',
  },

  map: {
    alt: (title, names) => `Map${title ? ` “${title}”` : ''}: ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('')}`,
    placeWithCoordinates: (name, lat, lon) => `${name}, ${lat}, ${lon}`,
    scale: (length) => `Scale: ${length}`,
    listSeparator: '; ',
    compass: { north: 'N', south: 'S', east: 'E', west: 'W' },
  },
};
