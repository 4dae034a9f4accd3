/**
 * Footnotes numbered per chapter in the order a reader meets their calls (GFM footnotes, Pandoc
 * inline notes and, in a note style, citations all share one sequence). Definitions move out of the
 * flow into one `notes` node at the end of the chapter; a definition never called is dropped (the
 * `footnote-unused` check reports it). Labels match on their normalised identifier, as in
 * mdast-util-gfm-footnote; the author's label is kept for messages only.
 */
import type { Root, FootnoteDefinition, FootnoteReference, RootContent, Nodes, Data } from 'mdast';
import type { Position } from 'unist';
import { visit, SKIP } from '../tree/visit.ts';

export interface NoteCallData {
  noteNumber: number;
  /** 1 for the first call of a note, 2 for the second call of the same note… */
  callIndex: number;
}

export interface NotesNode {
  type: 'notes';
  children: NoteNode[];
  data?: Data;
  position?: Position;
}

export interface NoteNode {
  type: 'note';
  number: number;
  children: FootnoteDefinition['children'];
  data?: Data;
  position?: Position;
}

declare module 'mdast' {
  interface RootContentMap {
    notes: NotesNode;
    note: NoteNode;
  }
}

export function normaliseLabel(label: string): string {
  return label.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function numberNotes(tree: Root): Root {
  const definitions = new Map<string, FootnoteDefinition>();
  visit(tree, 'footnoteDefinition', (definition) => {
    const id = normaliseLabel(definition.identifier);
    if (!definitions.has(id)) definitions.set(id, definition);
  });

  const numbers = new Map<string, number>();
  const callCounts = new Map<string, number>();
  const notes: NoteNode[] = [];

  // Walk in reading order; a note's own calls (a note within a note) are met when it is numbered.
  const numberCalls = (node: Nodes) => {
    visit(node, (child) => {
      if (child.type === 'footnoteDefinition') return SKIP;
      if (child.type !== 'footnoteReference') return undefined;
      const reference = child as FootnoteReference;
      const id = normaliseLabel(reference.identifier);
      const definition = definitions.get(id);
      if (!definition) return undefined; // footnote-undefined reports it; rendered as a plain mark
      let number = numbers.get(id);
      if (number === undefined) {
        number = numbers.size + 1;
        numbers.set(id, number);
        const note: NoteNode = { type: 'note', number, children: definition.children };
        notes.push(note);
        for (const block of definition.children) numberCalls(block as Nodes);
      }
      const callIndex = (callCounts.get(id) ?? 0) + 1;
      callCounts.set(id, callIndex);
      const data: NoteCallData = { noteNumber: number, callIndex };
      reference.data = { ...(reference.data ?? {}), ...data } as FootnoteReference['data'];
      return undefined;
    });
  };
  numberCalls(tree);

  tree.children = tree.children.filter((child) => child.type !== 'footnoteDefinition');
  if (notes.length > 0) tree.children.push({ type: 'notes', children: notes } as RootContent);
  return tree;
}
