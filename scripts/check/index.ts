/**
 * `book check`: runs every rule of the catalogue over the book, then applies severities (catalogue
 * default, overridden by `rules:` in book.yaml) and the author's silences:
 *
 *   <!-- book-ignore footnote-unused -->     silences that rule in the block that follows
 *
 * A silence that matches nothing is itself reported (`ignore-unused`), as in Standard Ebooks' lint.
 */
import type { Html, Root } from 'mdast';
import type { VFileMessage } from 'vfile-message';
import type { Book, Chapter } from '../model/index.ts';
import type { SeveritySetting } from '../config/book-schema.ts';
import { isRuleId, nearestRuleId } from './catalogue.ts';
import { applySeverities, diagnosticsOf, report, type Diagnostic } from './messages.ts';
import { reportTo, type Rule } from './rule.ts';
import { allRules } from './rules/index.ts';
import { nodesOfType, parentOf } from '../tree/by-type.ts';

export { catalogue, type RuleId, type Severity } from './catalogue.ts';
export { diagnosticsOf, severityOf, report, type Diagnostic } from './messages.ts';

interface Silence {
  rules: string[];
  from: number;
  to: number;
  node: Html;
  used: boolean;
}

const silencePattern = /^<!--\s*book-ignore\s+([\w\s,-]+?)\s*-->$/;

function silencesOf(tree: Root): Silence[] {
  const silences: Silence[] = [];
  for (const node of nodesOfType(tree, 'html')) {
    const match = silencePattern.exec(node.value.trim());
    const parent = parentOf(tree, node);
    if (!match || !node.position || !parent) continue;
    const next = parent.children[parent.children.indexOf(node as (typeof parent.children)[number]) + 1];
    silences.push({
      rules: match[1].split(/[\s,]+/).filter(Boolean),
      from: next?.position?.start.line ?? node.position.start.line,
      to: next?.position?.end.line ?? node.position.end.line,
      node,
      used: false,
    });
  }
  return silences;
}

/**
 * What the chapter rules said before (a warm build, scripts/check-cache.ts): `known` gives a
 * chapter's messages by rule id when nothing the rules read has changed since; `keep` is given what
 * they say this time on a chapter, when every message landed on the chapter's own file.
 */
export interface CheckMemo {
  known(chapter: Chapter): ReadonlyMap<string, VFileMessage[]> | undefined;
  keep(chapter: Chapter, messages: ReadonlyMap<string, VFileMessage[]>): void;
}

export interface CheckOptions {
  rules?: Rule[];
  /** Chapter rules' messages from an earlier build; not used with `rules` (another set of rules). */
  memo?: CheckMemo;
  /** Severities that win over book.yaml's (a release build makes `todo-marker` an error on request). */
  overrides?: Record<string, SeveritySetting>;
}

/** Run the checks; messages land on the book's files. Returns them flattened, sorted. */
export function checkBook(book: Book, options: CheckOptions = {}): Diagnostic[] {
  const rules = options.rules ?? allRules;
  const memo = options.rules ? undefined : options.memo;
  const known = new Map(book.chapters.map((chapter) => [chapter, memo?.known(chapter)]));
  // What the chapter rules said, rule by rule, on the chapters they ran on (for the memo).
  const said = new Map<Chapter, Map<string, VFileMessage[]>>();
  const elsewhere = new Set<Chapter>();
  for (const rule of rules) {
    if (rule.scope === 'book') {
      rule.check(book, reportTo(book.files[0] ?? book.chapters[0].file, rule.id));
      continue;
    }
    for (const chapter of book.chapters) {
      // What the rule said before, unless it reads the disk (then it runs in every build).
      const before = rule.readsDisk ? undefined : known.get(chapter);
      // Put back where the rule would have put them: the messages keep their order.
      if (before) {
        chapter.file.messages.push(...(before.get(rule.id) ?? []));
        continue;
      }
      const start = chapter.file.messages.length;
      rule.check(chapter.mdast, (reason, place, other, extra) => {
        if (other && other !== chapter.file) elsewhere.add(chapter);
        report(other ?? chapter.file, rule.id, reason, place, extra);
      }, { book, chapter });
      // Kept for a later build: what a rule that reads only the chapter and the book said.
      if (memo && !rule.readsDisk) {
        if (!said.has(chapter)) said.set(chapter, new Map());
        said.get(chapter)!.set(rule.id, chapter.file.messages.slice(start));
      }
    }
  }
  for (const [chapter, messages] of said) if (!elsewhere.has(chapter)) memo?.keep(chapter, messages);

  const overrides: Record<string, SeveritySetting> = { ...book.meta.config.rules, ...options.overrides };
  for (const chapter of book.chapters) {
    const silences = silencesOf(chapter.mdast);
    for (const silence of silences) {
      for (const rule of silence.rules) {
        if (!isRuleId(rule)) {
          const nearest = nearestRuleId(rule);
          report(
            chapter.file,
            'ignore-unknown-rule',
            `\`book-ignore\` names \`${rule}\`, which is no rule${nearest ? `; did you mean \`${nearest}\`?` : '; see `book check --rules`'}`,
            silence.node.position,
            { actual: rule, expected: nearest ? [nearest] : undefined },
          );
        }
      }
    }
    chapter.file.messages = chapter.file.messages.filter((message) => {
      const line = message.line ?? 0;
      const silence = silences.find((s) => s.rules.includes(message.ruleId ?? '') && line >= s.from && line <= s.to);
      if (silence) silence.used = true;
      return !silence;
    });
    for (const silence of silences.filter((s) => !s.used && s.rules.every(isRuleId))) {
      report(chapter.file, 'ignore-unused', `\`book-ignore ${silence.rules.join(' ')}\` silences nothing in the block that follows; remove it`, silence.node.position);
    }
  }

  applySeverities(book.files, overrides);
  return diagnosticsOf(book.files);
}
