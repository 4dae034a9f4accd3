/**
 * The scholarly apparatus in print (scripts/apparatus/): the places and persons marked in the
 * chapters become page targets, and the links of the index of places and of the biographical
 * notes (`a.index-locator`, one per chapter with `data-targets`) become the page numbers of every
 * occurrence, filled in by the page handler like those of the index of names. Pure.
 */
import type { Element, ElementContent, Root } from 'hast';
import { visit } from '../../tree/visit.ts';
import { classesOf } from '../../apparatus/find-forms.ts';
import { pageRef } from './pages.ts';

const targetClasses = ['place-occurrence', 'person-occurrence'];

const isLocator = (node: ElementContent): node is Element => node.type === 'element' && node.tagName === 'a' && classesOf(node).includes('index-locator');

export function printApparatus(tree: Root): void {
  visit(tree, 'element', (node: Element) => {
    const classes = classesOf(node);
    if (classes.some((c) => targetClasses.includes(c))) node.properties.dataPageTarget = '';
    // Two mentions on one page print one number (the page handler, browser/render.ts).
    if (classes.includes('index-entry') || classes.includes('biography-mentions')) node.properties.dataIndexEntry = '';
    const first = node.children.findIndex(isLocator);
    if (first < 0) return;
    // What stands before the first link (a label) stays; the links and their commas make way for
    // page numbers, separated by the stylesheet (print.css, `.page-ref:not(:first-child)`).
    const targets = node.children.filter(isLocator).flatMap((locator) => String(locator.properties.dataTargets ?? '').split(' ').filter(Boolean));
    node.children = [...node.children.slice(0, first), ...targets.map((target) => pageRef(target, 'a'))];
  });
}
