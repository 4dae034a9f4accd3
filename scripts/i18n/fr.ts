/** The words only the printed book prints, per book language (the shared ones are in scripts/render/labels.ts). */
export interface PrintLabels {
  indexOfNames: string;
  /** `Première partie`, `Part One`. */
  partLabel: (n: number) => string;
  typeset: string;
  draft: string;
  isbn: string;
  publishedBy: string;
  rights: string;
}

const frenchOrdinals = [
  'Première', 'Deuxième', 'Troisième', 'Quatrième', 'Cinquième', 'Sixième', 'Septième', 'Huitième', 'Neuvième', 'Dixième',
  'Onzième', 'Douzième', 'Treizième', 'Quatorzième', 'Quinzième', 'Seizième', 'Dix-septième', 'Dix-huitième', 'Dix-neuvième', 'Vingtième',
];
const englishOrdinals = [
  'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten',
  'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen', 'Twenty',
];

const fr: PrintLabels = {
  indexOfNames: 'Index des noms',
  partLabel: (n) => (frenchOrdinals[n - 1] ? `${frenchOrdinals[n - 1]} partie` : `Partie ${n}`),
  // The type is a fact of the build (scripts/output/fonts.ts), not an editorial claim.
  typeset: 'Composé en EB Garamond (SIL Open Font License).',
  draft: 'Version de travail : ce texte n’est pas définitif.',
  isbn: 'ISBN',
  publishedBy: 'Éditeur',
  rights: 'Droits',
};

const en: PrintLabels = {
  indexOfNames: 'Index of names',
  partLabel: (n) => (englishOrdinals[n - 1] ? `Part ${englishOrdinals[n - 1]}` : `Part ${n}`),
  typeset: 'Set in EB Garamond (SIL Open Font License).',
  draft: 'Working draft: this text is not final.',
  isbn: 'ISBN',
  publishedBy: 'Publisher',
  rights: 'Rights',
};

export function printLabelsFor(lang: string): PrintLabels {
  return /^fr(-|$)/i.test(lang) ? fr : en;
}
