/**
 * `::map` (scripts/maps/): every place it names must be in the places registry, with coordinates.
 * Reported at the directive's line; the map is still drawn with the places it can draw, or left a
 * caption when there are none.
 */
import type { LeafDirective } from 'mdast-util-directive';
import { nodesOfType } from '../../tree/by-type.ts';
import { chapterRule } from '../rule.ts';
import { hasCoordinates, placeIdsOf } from '../../maps/directive.ts';

const isMap = (node: { type: string; name?: string }): node is LeafDirective => node.type === 'leafDirective' && node.name === 'map';

export const mapPlaceUnknown = chapterRule('map-place-unknown', (tree, report, { book }) => {
  for (const node of nodesOfType(tree, 'leafDirective')) {
    if (!isMap(node)) continue;
    const ids = placeIdsOf(node);
    if (ids.length === 0) {
      report('`::map` names no place: list the ids of the places registry it shows, as in `::map{places="albi carmaux"}`', node.position);
      continue;
    }
    if (!book.places) {
      // A registry named but not valid is `places-invalid`'s to report, at its line.
      if (!book.meta.config.places) {
        report(`\`::map\` needs the places registry, and book.yaml names none: add \`places: places.yaml\` (docs/manuscript-format.md) with the places ${ids.map((id) => `\`${id}\``).join(', ')}`, node.position);
      }
      continue;
    }
    const known = new Set(book.places.map((place) => place.id));
    for (const id of ids) {
      if (!known.has(id)) report(`\`::map\` names \`${id}\`, which is not an id of the places registry (${book.meta.config.places}): correct the id, or add the place there`, node.position);
    }
  }
});

export const mapPlaceNoCoordinates = chapterRule('map-place-no-coordinates', (tree, report, { book }) => {
  if (!book.places) return;
  const byId = new Map(book.places.map((place) => [place.id, place]));
  for (const node of nodesOfType(tree, 'leafDirective')) {
    if (!isMap(node)) continue;
    for (const id of placeIdsOf(node)) {
      const place = byId.get(id);
      if (place && !hasCoordinates(place)) {
        report(`\`::map\` names \`${id}\` (${place.name}), which has no coordinates in the places registry: give it \`lat\` and \`lon\` in ${book.meta.config.places} (line ${place.position.line}), or leave it off the map`, node.position);
      }
    }
  }
});
