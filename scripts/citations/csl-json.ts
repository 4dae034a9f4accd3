/**
 * CSL-JSON bibliographies (what Zotero exports as "CSL JSON"): an array of items
 * (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html). JSON.parse gives no
 * positions, so a small scan of the text finds where each top-level object starts: messages about
 * an entry then point at its own line.
 */
import type { Point } from 'unist';
import { location } from 'vfile-location';
import type { VFile } from 'vfile';
import type { CslItem } from 'citeproc';
import { cslItemProblem } from './csl-item.ts';

export interface ReadEntry {
  item: CslItem;
  place: Point;
  typeAsWritten: string;
}

export interface ReadProblem {
  reason: string;
  place?: Point;
  unreadable: boolean;
}

export interface ReadResult {
  entries: ReadEntry[];
  problems: ReadProblem[];
}

/** Offsets of the `{` of each element of the top-level array, in order. */
function topLevelObjectOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (depth === 1 && c === '{') offsets.push(i);
      depth++;
    } else if (c === ']' || c === '}') depth--;
  }
  return offsets;
}

/** Where a JSON.parse error happened: V8 says `at position N`, newer versions also `(line L column C)`. */
function errorPoint(message: string, text: string, toPoint: (offset: number) => Point | undefined): Point | undefined {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  if (position) return toPoint(Math.min(Number(position[1]), text.length));
  if (/end of (JSON|data)/i.test(message)) return toPoint(text.length);
  return undefined;
}

export function readCslJson(file: VFile): ReadResult {
  const text = String(file.value);
  const place = location(file);
  const toPoint = (offset: number): Point | undefined => place.toPoint(offset);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    return {
      entries: [],
      problems: [{
        // V8 quotes the start of the text (`Unexpected token 'r', "root:x:0:0"... is not valid JSON`): a message never does.
        reason: `Cannot read this CSL-JSON bibliography: ${message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '').replace(/, "[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')}; correct the JSON at this place (a missing comma or quote is the usual cause)`,
        place: errorPoint(message, text, toPoint) ?? { line: 1, column: 1 },
        unreadable: true,
      }],
    };
  }
  if (!Array.isArray(data)) {
    return {
      entries: [],
      problems: [{ reason: 'A CSL-JSON bibliography is an array of entries (`[ {"id": …, "type": …}, … ]`); this file holds something else', place: { line: 1, column: 1 }, unreadable: true }],
    };
  }
  const offsets = topLevelObjectOffsets(text);
  const entries: ReadEntry[] = [];
  const problems: ReadProblem[] = [];
  let objectIndex = 0;
  data.forEach((value: unknown, index) => {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    const at = isObject ? toPoint(offsets[objectIndex++] ?? 0) ?? { line: 1, column: 1 } : { line: 1, column: 1 };
    if (!isObject) {
      problems.push({ reason: `Element ${index + 1} of the bibliography is not an entry object; remove it or write it as \`{"id": …, "type": …}\``, place: at, unreadable: false });
      return;
    }
    const record = value as Record<string, unknown>;
    const id = typeof record.id === 'string' || (typeof record.id === 'number' && Number.isFinite(record.id)) ? String(record.id) : '';
    if (id === '') {
      problems.push({ reason: `Entry ${index + 1} of the bibliography has no \`id\`${record.id === undefined || record.id === '' ? '' : ' that is text'}; give it the key the manuscript cites it by`, place: at, unreadable: false });
      return;
    }
    const problem = cslItemProblem(record);
    if (problem) {
      problems.push({ reason: `Entry \`${id}\` cannot be used: ${problem}; correct it (until then it is left out of the bibliography)`, place: at, unreadable: false });
      return;
    }
    const typeAsWritten = typeof record.type === 'string' ? record.type : '';
    entries.push({ item: { ...record, id, type: typeAsWritten } as CslItem, place: at, typeAsWritten });
  });
  return { entries, problems };
}
