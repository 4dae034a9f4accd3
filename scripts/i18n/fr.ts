/** The tool's words in French (`language: fr`, `fr-CA`…), spaced after the Imprimerie nationale. */
import { romanNumeral, type Labels } from './labels.ts';

const ordinals = [
  'Première', 'Deuxième', 'Troisième', 'Quatrième', 'Cinquième', 'Sixième', 'Septième', 'Huitième', 'Neuvième', 'Dixième',
  'Onzième', 'Douzième', 'Treizième', 'Quatorzième', 'Quinzième', 'Seizième', 'Dix-septième', 'Dix-huitième', 'Dix-neuvième', 'Vingtième',
];

/** French counts zero in the singular: « 0 chapitre inchangé ». */
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 || n === 0 ? one : many}`;

export const fr: Labels = {
  contents: 'Table des matières',
  notes: 'Notes',
  noteBacklink: (n) => `Retour à l’appel de la note ${n}`,
  noteCall: (n) => `Note ${n}`,
  previous: 'Précédent',
  next: 'Suivant',
  testimony: 'Témoignage',
  document: 'Document',
  todo: 'À compléter par les éditeurs',
  originalLanguage: 'langue de l’original',
  translatedBy: 'traduction',
  archive: 'archives',
  shelfmark: 'cote',
  source: 'source',
  underTheDirectionOf: 'Sous la direction de',
  bibliography: 'Bibliographie',
  chapterNavigation: 'Chapitres précédent et suivant',
  skipToContent: 'Aller au texte',
  front: 'Avant le texte',
  back: 'Après le texte',
  beforeColon: '\u00a0',
  workingDraft: 'Version de travail',
  apparatus: {
    glossary: 'Glossaire',
    placesIndex: 'Index des lieux',
    biographies: 'Notices biographiques',
    abbreviations: 'Abréviations',
    mentions: 'Mentions',
  },

  epub: {
    landmarks: 'Repères',
    pageList: 'Liste des pages',
    cover: 'Couverture',
    titlePage: 'Page de titre',
    start: 'Début du texte',
    part: (n) => `Partie ${romanNumeral(n)}`,
    coverAlt: (title, subtitle, editors) =>
      [`Couverture : ${title}`, subtitle, editors.length ? `sous la direction de ${editors.join(', ')}` : undefined].filter(Boolean).join(' — '),
    accessibilitySummary: (paged) =>
      [
        'Publication conforme à EPUB Accessibility 1.1 et aux WCAG 2.1 niveau AA.',
        'Elle offre une table des matières, des repères de navigation, des titres structurés et un ordre de lecture logique ; les notes sont reliées à leurs appels dans les deux sens ; les passages en langue étrangère sont balisés dans leur langue.',
        paged ? 'Les numéros de page de l’édition imprimée sont repris (liste des pages et marqueurs de saut de page).' : 'Elle ne reprend pas de pagination imprimée.',
        'Les polices sont intégrées mais le lecteur peut en changer, ainsi que la taille et les couleurs du texte. Aucun risque connu (clignotement, son, mouvement).',
      ].join(' '),
    printEdition: 'édition imprimée (PDF) de la même version',
  },

  print: {
    indexOfNames: 'Index des noms',
    partLabel: (n) => (ordinals[n - 1] ? `${ordinals[n - 1]} partie` : `Partie ${n}`),
    // The type is a fact of the build (scripts/output/fonts.ts), not an editorial claim.
    typeset: (family, licence) => `Composé en ${family}${licence ? ` (${licence})` : ''}.`,
    draft: 'Version de travail : ce texte n’est pas définitif.',
    isbn: 'ISBN',
    publishedBy: 'Éditeur',
    rights: 'Droits',
  },

  proof: {
    watermark: 'ÉPREUVE',
    proof: 'Épreuve',
    status: { draft: 'version de travail', release: 'version définitive' },
    source: 'source',
    uncommitted: 'modifications non validées',
    committed: 'sans modification en cours',
    unversioned: 'hors de git',
    noCommit: 'aucun commit',
    line: 'l.',
    paragraph: '§',
    messages: 'Messages de la vérification',
    noMessage: 'La vérification ne signale rien.',
    unplaced: 'Messages sans place dans le texte rendu',
    bookMessages: "Messages sur l'ensemble du livre",
    chapterMessages: (n) => `${n} message${n > 1 ? 's' : ''}`,
    severity: { error: 'erreur', warning: 'avertissement', info: 'information' },
    pdf: 'Épreuve PDF',
    howTo: 'Les numéros en marge gauche (§) numérotent les paragraphes de chaque chapitre : « p. 47, § 3 ». Les drapeaux ⚑ renvoient aux messages en marge droite.',
    comment: 'Commentaire',
  },

  diff: {
    title: 'Différences',
    between: (a, b) => `Entre ${a} et ${b}`,
    workingTree: 'la copie de travail',
    status: { added: 'ajouté', removed: 'supprimé', modified: 'modifié', unchanged: 'inchangé' },
    chapter: 'Chapitre',
    state: 'État',
    words: 'Mots',
    notes: 'Notes',
    citations: 'Citations',
    unchanged: (n) => `${plural(n, 'chapitre inchangé', 'chapitres inchangés')}`,
    noChange: 'Aucune différence dans le texte rendu.',
    wordCounts: (i, d) => `+${i} / −${d}`,
    noteCounts: (c) =>
      `${c.before} → ${c.after}${c.added || c.removed || c.modified ? ` (${[c.added && `${c.added} ajoutée${c.added > 1 ? 's' : ''}`, c.removed && `${c.removed} supprimée${c.removed > 1 ? 's' : ''}`, c.modified && `${c.modified} modifiée${c.modified > 1 ? 's' : ''}`].filter(Boolean).join(', ')})` : ''}`,
    changes: 'Changements',
    note: 'Note',
    renumbered: (before) => `(avant : ${before})`,
    summaryLink: 'Résumé des différences',
    file: 'Fichier',
  },
  notesAfterPunctuation: false,

  figures: {
    figure: (n) => `Figure ${n}`,
    table: (n) => `Tableau ${n}`,
    captionSeparator: '. ',
    figureRef: (n) => `figure ${n}`,
    tableRef: (n) => `tableau ${n}`,
    illustrations: 'Table des illustrations',
    pageAfter: ', p.\u00a0',
    seePageBefore: ' (voir p.\u00a0',
    seePageAfter: ')',
  },

  search: {
    label: 'Rechercher dans le livre',
    placeholder: 'Rechercher dans le livre',
    none: 'Aucun passage ne contient ces mots.',
    one: 'Un passage.',
    many: '{n} passages.',
    unavailable: 'La recherche n’a pas pu être chargée.',
  },

  map: {
    alt: (title, names) => `Carte${title ? ` «\u202f${title}\u202f»` : ''}\u00a0: ${names.length > 1 ? `${names.slice(0, -1).join(', ')} et ${names[names.length - 1]}` : names.join('')}`,
    placeWithCoordinates: (name, lat, lon) => `${name}, ${lat}, ${lon}`,
    scale: (length) => `Échelle\u00a0: ${length}`,
    listSeparator: '\u202f; ',
    compass: { north: 'N', south: 'S', east: 'E', west: 'O' },
  },
};
