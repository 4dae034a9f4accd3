/**
 * `::map{places="albi carmaux toulouse" title="…"}{#fig:id}` (docs/manuscript-format.md, Maps):
 * what the directive asks for, the figure it becomes, and the drawing put into that figure.
 *
 * The drawing is an `<svg>`, which the sanitizer (scripts/render/sanitize.ts) strips from anything
 * the manuscript brings. So the chapter's rendering makes the figure and its caption (Markdown,
 * sanitized like the rest), and the drawing goes in afterwards (`insertMapDrawings`), made by
 * draw.ts from validated data only: the places registry's numbers, its names as text nodes
 * (escaped by every serializer), the book's labels. Nothing the author types becomes an element,
 * an attribute name or a URL of the SVG; the SVG has no link, no script, no `style`, no id.
 */
import type { Element, ElementContent, Root } from 'hast';
import type { LeafDirective } from 'mdast-util-directive';
import { drawMap, type MapDrawingLabels, type MapPlace } from './draw.ts';

/** A place of the registry as a map reads it (scripts/manuscript/places.ts). */
export interface RegistryPlace {
  id: string;
  name: string;
  lat?: number;
  lon?: number;
}

/** The attributes `::map` reads; `id` is given by `{#id}`. */
export const mapAttributes: ReadonlySet<string> = new Set(['places', 'title', 'id', 'lang']);

/** The place ids a `::map` names, in its order: `places="albi carmaux"` (spaces or commas between). */
export function placeIdsOf(node: LeafDirective): string[] {
  return (node.attributes?.places ?? '').split(/[\s,]+/).filter((id) => id !== '');
}

export const hasCoordinates = (place: RegistryPlace): place is RegistryPlace & { lat: number; lon: number } =>
  typeof place.lat === 'number' && typeof place.lon === 'number' && Number.isFinite(place.lat) && Number.isFinite(place.lon);

/** What a `::map` asks for, kept from the rendering of its figure to the drawing. */
export interface MapRequest {
  placeIds: string[];
  title?: string;
}

/** The places of the registry the map can draw, in the directive's order; the others are the check's to report. */
export function drawablePlaces(request: MapRequest, places: readonly RegistryPlace[] | undefined): MapPlace[] {
  const byId = new Map((places ?? []).map((place) => [place.id, place]));
  const seen = new Set<string>();
  const out: MapPlace[] = [];
  for (const id of request.placeIds) {
    const place = byId.get(id);
    if (!place || !hasCoordinates(place) || seen.has(id)) continue;
    seen.add(id);
    out.push({ name: place.name, lat: place.lat, lon: place.lon });
  }
  return out;
}

const classesOf = (element: Element): string[] => (Array.isArray(element.properties.className) ? element.properties.className.map(String) : []);

/** The figures `mapFigure`'s class names, in document order. */
function mapFigures(tree: Root | Element, into: Element[] = []): Element[] {
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    if (child.tagName === 'figure' && classesOf(child).includes('map')) into.push(child);
    else mapFigures(child, into);
  }
  return into;
}

export interface MapContext {
  places?: readonly RegistryPlace[];
  labels: MapDrawingLabels;
  lang: string;
}

/**
 * Put each map's drawing at the head of its figure, after sanitizing. `requests` are the chapter's
 * `::map`s in document order, as its rendering met them; the sanitizer keeps every figure (the
 * element, its class), so the n-th `figure.map` is the n-th request. A map with no place it can
 * draw keeps its caption only (`map-place-unknown` says why).
 */
export function insertMapDrawings(tree: Root, requests: readonly MapRequest[], context: MapContext): void {
  if (requests.length === 0) return;
  const figures = mapFigures(tree);
  if (figures.length !== requests.length) throw new Error(`${requests.length} ::map rendered, ${figures.length} map figures after sanitizing`);
  figures.forEach((figure, i) => {
    const places = drawablePlaces(requests[i], context.places);
    if (places.length === 0) return;
    const drawing: ElementContent = drawMap(places, { labels: context.labels, lang: context.lang, title: requests[i].title });
    figure.children.unshift(drawing);
  });
}
