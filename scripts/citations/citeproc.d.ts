/**
 * The part of citeproc-js (npm `citeproc`, CommonJS, no types of its own) that this toolchain uses.
 * See https://citeproc-js.readthedocs.io/en/latest/running.html.
 */
declare module 'citeproc' {
  export interface CslName {
    family?: string;
    given?: string;
    literal?: string;
    'non-dropping-particle'?: string;
    'dropping-particle'?: string;
    suffix?: string;
  }

  export interface CslDate {
    'date-parts'?: Array<Array<number | string>>;
    season?: number | string;
    circa?: boolean | number | string;
    literal?: string;
    raw?: string;
  }

  /** One CSL-JSON item (CSL 1.0.2 data schema). */
  export interface CslItem {
    id: string;
    type: string;
    language?: string;
    [variable: string]: unknown;
  }

  export interface CitationItem {
    id: string;
    locator?: string;
    label?: string;
    prefix?: string;
    suffix?: string;
    'suppress-author'?: boolean;
    'author-only'?: boolean;
    /** Only read by makeCitationCluster (CSL.POSITION_*). */
    position?: number;
  }

  export interface Citation {
    citationID: string;
    citationItems: CitationItem[];
    properties: { noteIndex: number; mode?: string };
    /** Set by the processor: [item data, citation item with its computed position]. */
    sortedItems?: Array<[CslItem, CitationItem & { position?: number }]>;
  }

  export interface VariableWrapperParams {
    itemData: CslItem;
    variableNames: string[];
    context: 'citation' | 'bibliography';
    mode: string;
  }

  /** A CSL style or locale as citeproc-js's own XML reader gives it (CSL.parseXml). */
  export interface CslXmlTree {
    children: unknown[];
  }

  export interface Sys {
    retrieveLocale(lang: string): string | CslXmlTree | false;
    retrieveItem(id: string): CslItem;
    variableWrapper?(params: VariableWrapperParams, prePunct: string, str: string, postPunct: string): string;
  }

  export interface BibliographyMeta {
    entry_ids: string[][];
    bibstart: string;
    bibend: string;
    hangingindent?: boolean | number;
    'second-field-align'?: false | string;
    bibliography_errors: unknown[];
  }

  export class Engine {
    constructor(sys: Sys, style: string | CslXmlTree, lang?: string, forceLang?: boolean);
    opt: { xclass: 'note' | 'in-text'; lang: string; [key: string]: unknown };
    updateItems(ids: string[]): void;
    processCitationCluster(
      citation: Citation,
      citationsPre: Array<[string, number]>,
      citationsPost: Array<[string, number]>,
      flag?: number,
    ): [{ bibchange: boolean; citation_errors?: unknown[] }, Array<[number, string, string]>];
    makeCitationCluster(items: CitationItem[]): string;
    makeBibliography(): [BibliographyMeta, string[]] | false;
    getTerm(term: string, form?: string, plural?: number | boolean): string;
    setOutputFormat(format: 'html' | 'text' | 'rtf'): void;
  }

  const CSL: {
    Engine: typeof Engine;
    /** citeproc-js's XML reader (what the engine does with a style or locale given as text). */
    parseXml(text: string): CslXmlTree;
    ASSUME_ALL_ITEMS_REGISTERED: number;
    POSITION_FIRST: number;
    POSITION_SUBSEQUENT: number;
    POSITION_IBID: number;
    POSITION_IBID_WITH_LOCATOR: number;
  };
  export default CSL;
}
