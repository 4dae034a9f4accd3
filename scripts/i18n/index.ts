/** The words the editions print around the author's text, per book language. */
export interface Labels {
  contents: string;
  notes: string;
  noteBacklink: (n: number) => string;
  noteCall: (n: number) => string;
  previous: string;
  next: string;
  testimony: string;
  document: string;
  todo: string;
  originalLanguage: string;
  translatedBy: string;
  archive: string;
  shelfmark: string;
  source: string;
  underTheDirectionOf: string;
  bibliography: string;
  chapterNavigation: string;
  skipToContent: string;
  front: string;
  back: string;
}

const fr: Labels = {
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
};

const en: Labels = {
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
};

export function labelsFor(lang: string): Labels {
  return /^fr(-|$)/i.test(lang) ? fr : en;
}

/** The name of a language in the book's language (`ru` → « russe »), from the ICU data. */
export function languageName(tag: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
