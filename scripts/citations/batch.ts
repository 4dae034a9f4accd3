/**
 * Citations in one pass (docs/citations.md, "Performance"): the positions of a chapter's clusters
 * computed once, in document order, and each cluster formatted with citeproc-js's batch call
 * `makeCitationCluster` — identical clusters formatted once — instead of one
 * `processCitationCluster` per cluster, which recomputes the positions of every earlier citation
 * of the chapter at each call.
 *
 * What `processCitationCluster` (citeproc-js 2.4.63) does at each call, and what this module does
 * instead, step by step, so that the output is the same byte for byte:
 *
 * - **The cites** are prepared as it prepares them (a copy of each citation item, its work fetched,
 *   `parseLocator`, the locator label read out of the locator) and sorted as it sorts them (the
 *   style's citation sort, with its grouped sort for in-text styles that collapse; for numeric
 *   styles after the positions).
 * - **The positions** (`position` first / subsequent / ibid. / ibid. with locator,
 *   `first-reference-note-number`, `near-note`…) are its loop, ported line for line, run once per
 *   cluster: a cluster's positions depend only on the clusters before it, so the values it
 *   recomputes for them at every call never change. Only for styles that test a position
 *   (citeproc-js's `update_mode`), as there.
 * - **Its registry state** is kept as it keeps it: each work's `citation-count` (note styles with a
 *   `disambiguate` condition), `first-reference-note-number`, the citations by work.
 * - **Disambiguation** stays registry-wide, made once for the book by `updateItems`. When a work's
 *   count of citations in the chapter crosses 2, citeproc-js runs the disambiguation of its
 *   ambiguity group again and renders the chapter's earlier citations of it again. That run is
 *   made here too, at the same moment, when the group holds several works; a group of one work
 *   has nothing to disambiguate (citeproc-js's run leaves its registry entry as it is), so it is
 *   skipped. The earlier citations it taints are rendered again in both cases, through the memo
 *   below: unchanged, they cost a lookup.
 * - **Rendering**: `makeCitationCluster` on the prepared cites with their positions. It sorts them
 *   again with the style's sort keys (same order: they are sorted by the same comparison), but
 *   without the grouped sort; and it reads a locator label out of the locator once more. A
 *   cluster where either could change anything — several works in a style with a grouped sort, a
 *   locator that still starts with a label abbreviation — is rendered by citeproc-js's own
 *   renderer (`process_CitationCluster`, what `processCitationCluster` calls) on the same cites.
 * - **Identical clusters formatted once**: the rendering is a function of the cites as prepared
 *   (work, locator, label, affixes, position; near-note and the first-reference note numbers when
 *   the style names them, which is the only way it reads them), and of the registry state the
 *   style reads (the work's disambiguation, its number, and whether it is cited more than once when
 *   the style tests `check-ambiguity-and-backreference`); a key of these gives the first rendering.
 *   The cluster's place (index, note number) is left out: citeproc-js hands it only to
 *   `sys.variableWrapper`, and engine.ts's wrapper does not read it (a wrapper that did would need
 *   it in the key).
 * - **Page numbers put in place**: a cluster of one work whose locator is a number (digits only,
 *   the most common citation) is rendered once per key with a sentinel number as its locator, and
 *   the page is put where the sentinel stands; only when the style prints a locator's digits as
 *   typed (no `<number variable="locator">` as an ordinal or in Roman numerals) and the sentinel
 *   stands once in the rendering and nowhere in the work or the cite. A number's rendering does not
 *   depend on its value otherwise: `is-numeric` and the label's plural read the same for any
 *   digits. The benchmark's books: 1,062 clusters formatted → 841 at 100k words, 2,966 → 1,942 at 300k.
 * - **Disambiguation runs** are remembered the same way: a run is a function of the group's
 *   configurations it starts from (and of the note numbers and counts the style may read); the
 *   same state again gets the configurations the first run left.
 *
 * Books this path does not cover go through `processCitationCluster` as before
 * (`batchSupported`): parallel citations, CSL-M legal consolidation, legal works (citeproc-js
 * moves their locators while rendering, so a later position would read the moved locator).
 */
import type { CitationItem as CslCitationItem, CslItem, Engine } from 'citeproc';
import { citeproc } from './citeproc-js.ts';

type Item = CslCitationItem & Record<string, unknown>;
export type SortedItem = [CslItem, Item];

/** A cluster as render-citations.ts gives it: its cites, its note, whether positions restart before it. */
export interface BatchCluster {
  items: CslCitationItem[];
  noteIndex: number;
  resetBefore?: boolean;
}

export interface BatchResult {
  html: string;
  sortedItems: SortedItem[];
}

/** The internals of citeproc-js 2.4.63 that `processCitationCluster` uses (citeproc_commonjs.js). */
interface Internals {
  opt: {
    xclass: string;
    update_mode: unknown;
    has_disambiguate?: boolean;
    grouped_sort?: boolean;
    citation_number_sort?: boolean;
    parallel: { enable?: boolean };
    development_extensions: { consolidate_legal_items?: boolean; locator_label_parse?: boolean };
  };
  citation: { opt: Record<string, unknown>; srt: { compareCompositeKeys: (a: SortedItem, b: SortedItem) => number } };
  citation_sort: { tokens: unknown[] };
  tmp: Record<string, unknown> & { taintedItemIDs: Record<string, boolean> };
  registry: {
    registry: Record<string, Record<string, unknown> & { ambig: string; disambig: unknown }>;
    ambigcites: Record<string, string[] | undefined>;
    authorstrings: Record<string, string>;
    citationreg: { citationsByItemId?: Record<string, unknown[]> };
  };
  transform: { loadAbbreviation: (...args: unknown[]) => void };
  disambiguate: { run: (akey: string, citation?: unknown) => void };
  sys: { variableWrapper?: unknown };
  retrieveItem(id: string): CslItem;
  getTerm(term: string): string;
  process_CitationCluster(sortedItems: SortedItem[], citation?: unknown): string;
}

interface CslInternals {
  POSITION: unknown;
  POSITION_FIRST: number;
  POSITION_SUBSEQUENT: number;
  POSITION_IBID: number;
  POSITION_IBID_WITH_LOCATOR: number;
  POSITION_CONTAINER_SUBSEQUENT: number;
  LOCATOR_LABELS_REGEXP: RegExp;
  LOCATOR_LABELS_MAP: Record<string, string>;
  parseLocator(this: Internals, item: Item): Item;
  getSortKeys(this: Internals, Item: CslItem, key: string): unknown[];
  getAmbiguousCite(this: Internals, Item: CslItem, disambig: unknown): string;
}

/** The locator a template is rendered with (`templated`): seven digits, longer than any page number it stands for. */
const SENTINEL = '9137462';

/** Whether a parsed style has a `<number>` of the locator that does not print its digits as typed. */
function transformsLocator(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const { name, attrs, children } = node as { name?: unknown; attrs?: Record<string, unknown>; children?: unknown[] };
  if (name === 'number' && `${attrs?.variable ?? ''}`.split(/\s+/).includes('locator') && ['ordinal', 'long-ordinal', 'roman'].includes(`${attrs?.form ?? ''}`)) return true;
  return Array.isArray(children) && children.some(transformsLocator);
}

const csl = () => citeproc() as unknown as CslInternals;
const legalTypes = new Set(['bill', 'gazette', 'legislation', 'regulation', 'treaty']);

/** Whether this book's citations can go through the batch path (see the module's comment). */
export function batchSupported(engine: Engine, works: Iterable<CslItem>): boolean {
  const internals = engine as unknown as Internals;
  if (internals.opt.parallel?.enable || internals.opt.development_extensions.consolidate_legal_items) return false;
  for (const work of works) {
    if (work.type === 'legal_case' || work.legislation_id !== undefined || work.container_id !== undefined) return false;
  }
  return true;
}

interface Cluster {
  sortedItems: SortedItem[];
  noteIndex: number;
  index: number;
  html?: string;
}

/** One sequence of positions (citeproc-js keeps one for notes, one for in-text citations). */
interface Sequence {
  citations: Cluster[];
  firstRef: Record<string, number>;
  lastRef: Record<string, number>;
  firstContainerRef: Record<string, number>;
  inNote: Record<number, number>;
}

/** A disambiguation configuration copied whole (names, givens, year suffix, its prototype), never shared. */
function copyConfig(config: unknown): unknown {
  if (config === null || typeof config !== 'object') return config;
  return Object.setPrototypeOf(structuredClone({ ...config }), Object.getPrototypeOf(config));
}

const newSequence = (): Sequence => ({ citations: [], firstRef: {}, lastRef: {}, firstContainerRef: {}, inNote: {} });

export class BatchRenderer {
  private readonly engine: Internals;
  private readonly memo = new Map<string, string>();
  /** Renderings with the sentinel locator, split where it stands (null: not usable), by `keyOf`. */
  private readonly templates = new Map<string, [string, string] | null>();
  /** Whether the style prints a locator's digits as typed: no `<number variable="locator">` as an ordinal or in Roman numerals, no sentinel in its text. */
  private readonly numbersAsTyped: boolean;
  /** Statistics, for the tests and the docs: clusters formatted by citeproc-js, clusters asked for. */
  formatted = 0;
  asked = 0;

  /** Whether the style tests `disambiguate="check-ambiguity-and-backreference"`, which reads a work's count of citations. */
  private readonly readsCount: boolean;
  /** Whether the style prints or tests `first-reference-note-number`, which its disambiguation may read. */
  private readonly readsFirstNote: boolean;
  /** Fields of a cite that the style never reads (`near-note`, first-reference note numbers), left out of the memo's key. */
  private readonly unread = new Set(['index', 'noteIndex', 'sortkeys']);
  /** Disambiguation runs already made: what they read → the configurations they left. */
  private readonly runs = new Map<string, unknown[]>();
  /** Statistics: disambiguation runs asked for, made. */
  disambiguationsAsked = 0;
  disambiguationsRun = 0;

  constructor(engine: Engine) {
    this.engine = engine as unknown as Internals;
    const parsed = (engine as unknown as { cslXml?: { dataObj?: unknown } }).cslXml?.dataObj;
    const text = parsed === undefined ? undefined : JSON.stringify(parsed);
    this.readsCount = text === undefined || text.includes('check-ambiguity-and-backreference');
    this.readsFirstNote = text === undefined || text.includes('first-reference-note-number');
    // `near-note` is read only by `position="near-note"` / `"far-note"`; the note numbers by their
    // variable (a `sys.variableWrapper` also gets them, and engine.ts's does not read them).
    if (text !== undefined && !text.includes('near-note') && !text.includes('far-note')) this.unread.add('near-note');
    if (!this.readsFirstNote) this.unread.add('first-reference-note-number');
    if (text !== undefined && !text.includes('first-container-reference-note-number')) this.unread.add('first-container-reference-note-number');
    this.numbersAsTyped = parsed !== undefined && !text!.includes(SENTINEL) && !transformsLocator(parsed);
  }

  /**
   * citeproc-js's disambiguation run for one ambiguity group, made once per state of what it reads:
   * the group's configurations (it starts from them), and, when the style can read them, each
   * work's first-reference note number (its `by-cite` rule) and whether it is cited twice. The
   * same state gives the same run: the configurations it left are put back instead.
   */
  private disambiguate(akey: string): void {
    const engine = this.engine;
    const ids = engine.registry.ambigcites[akey] ?? [];
    const registry = engine.registry.registry;
    const byItem = engine.registry.citationreg.citationsByItemId ?? {};
    const key = JSON.stringify([
      akey,
      ids.map((id) => [
        id,
        registry[id]?.disambig ?? null,
        this.readsFirstNote && byItem[id]?.length ? (registry[id]?.['first-reference-note-number'] ?? null) : null,
        this.readsCount && ((registry[id]?.['citation-count'] as number | undefined) ?? 0) > 1,
      ]),
    ]);
    this.disambiguationsAsked += 1;
    const made = this.runs.get(key);
    if (made) {
      ids.forEach((id, i) => {
        if (registry[id]) registry[id].disambig = copyConfig(made[i]);
      });
      return;
    }
    engine.disambiguate.run(akey, undefined);
    this.disambiguationsRun += 1;
    this.runs.set(key, ids.map((id) => (registry[id] ? copyConfig(registry[id].disambig) : undefined)));
  }

  /** Prepare a cluster's cites as processCitationCluster does, sorted as it sorts them before positions. */
  private prepare(items: CslCitationItem[]): SortedItem[] {
    const engine = this.engine;
    const sortedItems: SortedItem[] = [];
    for (const citationItem of items) {
      let item: Item = { ...citationItem } as Item;
      const Item = engine.retrieveItem(`${item.id}`);
      if (Item.id) engine.transform.loadAbbreviation('default', 'hereinafter', Item.id, Item.language);
      item = csl().parseLocator.call(engine, item);
      if (engine.opt.development_extensions.locator_label_parse) {
        if (item.locator && !legalTypes.has(Item.type) && (!item.label || item.label === 'page')) {
          const m = csl().LOCATOR_LABELS_REGEXP.exec(item.locator);
          if (m) {
            const tryLabel = csl().LOCATOR_LABELS_MAP[m[2]];
            if (engine.getTerm(tryLabel)) {
              item.label = tryLabel;
              item.locator = m[3];
            }
          }
        }
      }
      sortedItems.push([Item, item]);
    }
    if (!engine.opt.citation_number_sort && sortedItems.length > 1 && engine.citation_sort.tokens.length > 0) {
      for (const sorted of sortedItems) sorted[1].sortkeys = csl().getSortKeys.call(engine, sorted[0], 'citation_sort');
      if (engine.opt.grouped_sort) {
        for (const sorted of sortedItems) {
          const sortkeys = sorted[1].sortkeys as unknown[];
          engine.tmp.authorstring_request = true;
          const mydisambig = engine.registry.registry[sorted[0].id].disambig;
          engine.tmp.authorstring_request = true;
          csl().getAmbiguousCite.call(engine, sorted[0], mydisambig);
          const authorstring = engine.registry.authorstrings[sorted[0].id];
          engine.tmp.authorstring_request = false;
          sorted[1].sortkeys = [authorstring, ...sortkeys];
        }
        sortedItems.sort(engine.citation.srt.compareCompositeKeys);
        let lastauthor: unknown = false;
        let thiskey: unknown = false;
        let thisauthor: unknown = false;
        sortedItems.forEach((sorted, i) => {
          const keys = sorted[1].sortkeys as unknown[];
          if (keys[0] !== lastauthor) {
            thisauthor = keys[0];
            thiskey = keys[1];
          }
          keys[0] = `${thiskey}${i}`;
          lastauthor = thisauthor;
        });
      }
      sortedItems.sort(engine.citation.srt.compareCompositeKeys);
    }
    return sortedItems;
  }

  /**
   * The positions of the sequence's last cluster (processCitationCluster's loop for `j`, the
   * cluster's items in order), and the registry values it writes. Its variable names, and its
   * `==` where it compares ids and note numbers loosely, are kept, to be read against it.
   */
  private positions(sequence: Sequence, rerunAkeys: Set<string>, tainted: Set<Cluster>, byWork: Map<string, Cluster[]>): void {
    const engine = this.engine;
    const citations = sequence.citations;
    const j = citations.length - 1;
    const onecitation = citations[j];
    if (j > 0 && onecitation.noteIndex && citations[j - 1].noteIndex > onecitation.noteIndex) {
      sequence.inNote = {};
      sequence.firstRef = {};
      sequence.lastRef = {};
      sequence.firstContainerRef = {};
    }
    const { firstRef: first_ref, lastRef: last_ref, firstContainerRef: first_container_ref, inNote: citationsInNote } = sequence;
    for (const [, item] of onecitation.sortedItems) {
      if (item.parallel && item.parallel !== 'first') continue;
      citationsInNote[onecitation.noteIndex] = (citationsInNote[onecitation.noteIndex] ?? 0) + 1;
    }
    const nearNoteDistance = engine.citation.opt['near-note-distance'] as number;
    onecitation.sortedItems.forEach((sorted, k) => {
      const [Item, item] = sorted;
      const item_id = Item.id;
      const first_id = (Item.legislation_id as string | undefined) ?? Item.id;
      const last_id = (Item.legislation_id as string | undefined) ?? (Item.container_id as string | undefined) ?? Item.id;
      const myxloc = item['locator-extra'];
      const mylocator = item.locator;
      const mylabel = item.label;
      let incitationid: unknown;
      let incitationxloc: unknown;
      if (k > 0) {
        const previous = onecitation.sortedItems[k - 1];
        if (previous[0].legislation_id) {
          incitationid = previous[0].legislation_id;
        } else {
          incitationid = previous[1].id;
          incitationxloc = previous[1]['locator-extra'];
          for (let l = k - 2; l > -1; l--) {
            if (onecitation.sortedItems[l][1].parallel === 'first') {
              incitationid = onecitation.sortedItems[l][1].id;
              incitationxloc = onecitation.sortedItems[l][1]['locator-extra'];
            }
          }
        }
      }
      item['first-reference-note-number'] = 0;
      item['first-container-reference-note-number'] = 0;
      item['near-note'] = false;
      const registered = engine.registry.registry[Item.id];
      if (engine.opt.xclass === 'note' && engine.opt.has_disambiguate) {
        const cited = byWork.get(item_id) ?? [];
        const oldCount = registered['citation-count'];
        const newCount = cited.length;
        registered['citation-count'] = newCount;
        if (typeof oldCount !== 'number' || oldCount < 2 !== newCount < 2) {
          rerunAkeys.add(registered.ambig);
          for (const citation of cited) tainted.add(citation);
        }
      }
      let oldlastid: unknown;
      let oldlastxloc: unknown;
      if (last_ref[last_id] === undefined) {
        first_ref[first_id] = onecitation.noteIndex;
        last_ref[last_id] = onecitation.noteIndex;
        first_container_ref[last_id] = onecitation.noteIndex;
        item.position = csl().POSITION_FIRST;
      } else {
        let ibidme = false;
        let suprame = false;
        const prevCitation = j > 0 ? citations[j - 1] : undefined;
        const thisCitation = citations[j];
        if (prevCitation) {
          // No cluster of this toolchain is `author-only`: citeproc-js's offset is always 1.
          const adjusted = citations[j - 1];
          if (adjusted.sortedItems.length) {
            oldlastid = adjusted.sortedItems[adjusted.sortedItems.length - 1][1].id;
            oldlastxloc = adjusted.sortedItems[adjusted.sortedItems.length - 1][1]['locator-extra'];
          }
          if (prevCitation.sortedItems.length) {
            // citeproc-js reads `.legislation_id` on the citation item here (never set on one).
            const lastOfFirst = prevCitation.sortedItems[0][1] as Record<string, unknown>;
            if (lastOfFirst.legislation_id) oldlastid = lastOfFirst.legislation_id;
          }
        }
        if (prevCitation && k === 0 && prevCitation.noteIndex !== thisCitation.noteIndex) {
          let useme = false;
          let oldid: unknown = prevCitation.sortedItems[0][0].id;
          if (prevCitation.sortedItems[0][0].legislation_id) oldid = prevCitation.sortedItems[0][0].legislation_id;
          if (oldid == first_id && prevCitation.noteIndex >= thisCitation.noteIndex - 1) {
            const prevxloc = prevCitation.sortedItems[0][1]['locator-extra'];
            const thisxloc = thisCitation.sortedItems[0][1]['locator-extra'];
            if ((citationsInNote[prevCitation.noteIndex] === 1 || prevCitation.noteIndex === 0) && prevxloc === thisxloc) useme = true;
          }
          if (useme) ibidme = true;
          else suprame = true;
        } else if (k > 0 && incitationid == first_id && incitationxloc == myxloc) {
          ibidme = true;
        } else if (
          k === 0 &&
          prevCitation &&
          prevCitation.noteIndex == thisCitation.noteIndex &&
          prevCitation.sortedItems.length &&
          oldlastid == first_id &&
          oldlastxloc == myxloc
        ) {
          ibidme = true;
        } else {
          suprame = true;
        }
        let prev_locator: string | undefined;
        let curr_locator: string | undefined;
        if (ibidme) {
          const prev = k > 0 ? onecitation.sortedItems[k - 1][1] : citations[j - 1].sortedItems[0][1];
          prev_locator = prev.locator ? `${prev.locator}${prev.label ? prev.label : ''}` : prev.locator;
          curr_locator = mylocator ? `${mylocator}${mylabel ? mylabel : ''}` : mylocator;
        }
        if (ibidme && prev_locator && !curr_locator) {
          ibidme = false;
          suprame = true;
        }
        if (ibidme) {
          if (!prev_locator && curr_locator) item.position = csl().POSITION_IBID_WITH_LOCATOR;
          else if (!prev_locator && !curr_locator) item.position = csl().POSITION_IBID;
          else if (prev_locator && curr_locator === prev_locator) item.position = csl().POSITION_IBID;
          else if (prev_locator && curr_locator && curr_locator !== prev_locator) item.position = csl().POSITION_IBID_WITH_LOCATOR;
          else {
            ibidme = false;
            suprame = true;
          }
        }
        if (suprame) {
          item.position = csl().POSITION_CONTAINER_SUBSEQUENT;
          if (first_ref[first_id] === undefined) first_ref[first_id] = onecitation.noteIndex;
          else item.position = csl().POSITION_SUBSEQUENT;
        }
        if (suprame || ibidme) {
          if (first_container_ref[last_id] != onecitation.noteIndex) {
            item['first-container-reference-note-number'] = first_container_ref[last_id];
            if (registered) registered['first-container-reference-note-number'] = first_container_ref[last_id];
          }
          if (first_ref[first_id] != onecitation.noteIndex) {
            item['first-reference-note-number'] = first_ref[first_id];
            if (registered) registered['first-reference-note-number'] = first_ref[first_id];
          }
        }
      }
      if (onecitation.noteIndex) {
        const note_distance = onecitation.noteIndex - last_ref[last_id];
        if (item.position !== csl().POSITION_FIRST && note_distance <= nearNoteDistance) item['near-note'] = true;
        last_ref[last_id] = onecitation.noteIndex;
      } else if (item.position !== csl().POSITION_FIRST) {
        item['near-note'] = true;
      }
      if (engine.sys.variableWrapper) {
        item.index = onecitation.index;
        item.noteIndex = onecitation.noteIndex;
      }
    });
  }

  /** What the rendering of these cites reads (see the module's comment). */
  private keyOf(sortedItems: SortedItem[]): string {
    const registry = this.engine.registry.registry;
    return JSON.stringify(
      sortedItems.map(([Item, item]) => {
        const registered = registry[Item.id];
        const own = Object.keys(item)
          .filter((name) => !this.unread.has(name))
          .sort()
          .map((name) => [name, item[name]]);
        const citedTwice = this.readsCount && ((registered?.['citation-count'] as number | undefined) ?? 0) > 1;
        return [Item.id, own, registered?.disambig ?? null, citedTwice, registered?.seq ?? null];
      }),
    );
  }

  /** Format one cluster: once per key. */
  private render(cluster: Cluster): string {
    this.asked += 1;
    const key = this.keyOf(cluster.sortedItems);
    let html = this.memo.get(key);
    if (html === undefined) {
      html = this.templated(cluster);
      if (html === undefined) {
        html = this.format(cluster);
        this.formatted += 1;
      }
      this.memo.set(key, html);
    }
    return html;
  }

  /**
   * A cluster of one work with a page number (any digits) as its locator, given from the
   * rendering of the same cite with the sentinel number as its locator, the number put in its
   * place: once per work, position and state (`keyOf` with the sentinel), not once per page.
   * Only where the sentinel's rendering holds it once and the style prints the locator's digits
   * as they are (`numbersAsTyped`); otherwise, and for a cluster of several works (the style's
   * sort might read the locator), undefined: the cluster is formatted.
   */
  private templated(cluster: Cluster): string | undefined {
    const { sortedItems } = cluster;
    if (!this.numbersAsTyped || sortedItems.length !== 1) return undefined;
    const [Item, item] = sortedItems[0];
    const locator = item.locator;
    if (typeof locator !== 'string' || !/^[1-9][0-9]{0,5}$/.test(locator)) return undefined;
    item.locator = SENTINEL;
    try {
      const key = this.keyOf(sortedItems);
      let template = this.templates.get(key);
      if (template === undefined) {
        // Anywhere else than the locator (the work, the cite's affixes), the sentinel would be
        // ambiguous: no template, and nothing rendered for one.
        const elsewhere = JSON.stringify(Item).includes(SENTINEL) || JSON.stringify({ ...item, locator: '' }).includes(SENTINEL);
        template = null;
        if (!elsewhere) {
          const parts = this.format(cluster).split(SENTINEL);
          this.formatted += 1;
          if (parts.length === 2) template = [parts[0], parts[1]];
        }
        this.templates.set(key, template);
      }
      if (template === null) return undefined;
      return template[0] + locator + template[1];
    } finally {
      item.locator = locator;
    }
  }

  private format(cluster: Cluster): string {
    const engine = this.engine;
    const { sortedItems } = cluster;
    // makeCitationCluster sorts again without the grouped sort, and reads a label out of the locator again.
    const regrouped = engine.opt.grouped_sort === true && sortedItems.length > 1 && engine.citation_sort.tokens.length > 0;
    const relabelled =
      engine.opt.development_extensions.locator_label_parse === true &&
      sortedItems.some(([Item, item]) => item.locator && !legalTypes.has(Item.type) && (!item.label || item.label === 'page') && csl().LOCATOR_LABELS_REGEXP.test(`${item.locator}`));
    if (regrouped || relabelled) return engine.process_CitationCluster(sortedItems, { properties: { noteIndex: cluster.noteIndex, index: cluster.index } });
    return (engine as unknown as Engine).makeCitationCluster(sortedItems.map(([, item]) => item));
  }

  /** A chapter's clusters, in document order: each one's final HTML and its cites with their positions. */
  renderChapter(clusters: readonly BatchCluster[]): BatchResult[] {
    const engine = this.engine;
    const positionsTested = engine.opt.update_mode === (citeproc() as unknown as { POSITION: unknown }).POSITION;
    const results: Cluster[] = [];
    let segment: Cluster[] = [];
    let byWork = new Map<string, Cluster[]>();
    let text = newSequence();
    let notes = newSequence();
    for (const given of clusters) {
      if (given.resetBefore) {
        segment = [];
        byWork = new Map();
        text = newSequence();
        notes = newSequence();
      }
      const cluster: Cluster = { sortedItems: this.prepare(given.items), noteIndex: given.noteIndex || 0, index: segment.length };
      segment.push(cluster);
      results.push(cluster);
      for (const [Item] of cluster.sortedItems) {
        const cited = byWork.get(Item.id);
        if (!cited) byWork.set(Item.id, [cluster]);
        else if (!cited.includes(cluster)) cited.push(cluster);
      }
      const rerunAkeys = new Set<string>();
      const tainted = new Set<Cluster>();
      if (positionsTested) {
        const sequence = cluster.noteIndex ? notes : text;
        sequence.citations.push(cluster);
        this.positions(sequence, rerunAkeys, tainted, byWork);
      }
      if (engine.opt.citation_number_sort && cluster.sortedItems.length > 1 && engine.citation_sort.tokens.length > 0) {
        for (const sorted of cluster.sortedItems) sorted[1].sortkeys = csl().getSortKeys.call(engine, sorted[0], 'citation_sort');
        cluster.sortedItems.sort(engine.citation.srt.compareCompositeKeys);
      }
      // Works left tainted before this cluster (by updateItems, at the book's first cluster):
      // their citations are rendered again, as citeproc-js does; then the taints are dropped.
      for (const id of Object.keys(engine.tmp.taintedItemIDs ?? {})) for (const citation of byWork.get(id) ?? []) tainted.add(citation);
      // The disambiguation of a group of several works is run again, as citeproc-js runs it
      // (what it taints is dropped there too, without rendering anything again).
      const reruns = [...rerunAkeys].filter((akey) => (engine.registry.ambigcites[akey]?.length ?? 0) > 1);
      if (reruns.length) {
        // citeproc-js's citations by work: what its disambiguation reads (first-reference-note-number).
        engine.registry.citationreg.citationsByItemId = Object.fromEntries(byWork);
        for (const akey of reruns) this.disambiguate(akey);
      }
      engine.tmp.taintedItemIDs = {};
      // Earlier clusters it touched are rendered again (re-sorted first, as there); the later word wins.
      for (const earlier of [...tainted].sort((a, b) => a.index - b.index)) {
        if (earlier === cluster) continue;
        if (earlier.sortedItems.length > 1 && engine.citation_sort.tokens.length > 0) {
          for (const sorted of earlier.sortedItems) sorted[1].sortkeys = csl().getSortKeys.call(engine, sorted[0], 'citation_sort');
          earlier.sortedItems.sort(engine.citation.srt.compareCompositeKeys);
        }
        earlier.html = this.render(earlier);
      }
      cluster.html = this.render(cluster);
    }
    engine.registry.citationreg.citationsByItemId = Object.fromEntries(byWork);
    return results.map((cluster) => ({ html: cluster.html!, sortedItems: cluster.sortedItems }));
  }
}
