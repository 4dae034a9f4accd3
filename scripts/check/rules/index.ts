/** Every rule, in the order its messages are most useful to read. */
import type { Rule } from '../rule.ts';
import {
  footnoteUndefined, footnoteUnused, footnoteDuplicate, footnoteEmpty, footnoteInHeading, footnoteCallAfterPunctuation,
} from './footnotes.ts';
import { quoteUnsourced, testimonyUnsourced } from './sources.ts';
import {
  bibliographyInvalid, citationDuplicateKey, citationMissingField, citationUnknownKey, citationBadLocator, citationUnusedEntry,
} from './citations.ts';
import { nameMixedScript } from './names.ts';
import { imageNoAlt, imageMissing, directiveUnknown, chapterNoTitle, linkBrokenAnchor } from './structure.ts';
import { pathOutsideManuscript } from './paths.ts';
import { todoMarker } from './editorial.ts';
import { chapterIdDuplicate, idDuplicate } from './ids.ts';
import { criticUnresolved } from './critic.ts';
import { imageNoCredit } from './figures.ts';
import { typographyRangeHyphen, typographyNumero, typographyEnglishQuotes, typographyEllipsis } from './typography.ts';
import { mapPlaceUnknown, mapPlaceNoCoordinates } from './maps.ts';
import { printMarginTooSmall } from './print.ts';

export const allRules: Rule[] = [
  footnoteUndefined,
  footnoteUnused,
  footnoteDuplicate,
  footnoteEmpty,
  footnoteInHeading,
  footnoteCallAfterPunctuation,
  bibliographyInvalid,
  citationDuplicateKey,
  citationUnknownKey,
  citationBadLocator,
  citationMissingField,
  citationUnusedEntry,
  quoteUnsourced,
  testimonyUnsourced,
  nameMixedScript,
  imageNoAlt,
  imageMissing,
  pathOutsideManuscript,
  directiveUnknown,
  chapterNoTitle,
  linkBrokenAnchor,
  chapterIdDuplicate,
  idDuplicate,
  todoMarker,
  criticUnresolved,
  typographyRangeHyphen,
  typographyNumero,
  typographyEnglishQuotes,
  typographyEllipsis,
  imageNoCredit,
  mapPlaceUnknown,
  mapPlaceNoCoordinates,
  printMarginTooSmall,
];
