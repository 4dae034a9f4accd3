/**
 * A map of a few places, drawn as an SVG tree (hast) at build time: a pure function of the places,
 * the words of the book's language and the base map (geography.ts). Same places, same bytes.
 *
 * - Projection: conformal, so that shapes and the scale bar hold locally. A conic conformal
 *   (Lambert) with its standard parallels at one sixth and five sixths of the places' span of
 *   latitude (the usual choice for a region wider than it is tall, Snyder, *Map Projections — A
 *   Working Manual*, 1987, §15) and its central meridian in the middle of them; Mercator when the
 *   places straddle or touch the equator, where a conic degenerates.
 * - Frame: fitted to the places, with a margin (`padding`) and never less than `minimumExtentKm`
 *   around their centre, so that a map of neighbouring towns still shows a coast or a border to
 *   find them by; its proportions kept between `aspect.min` and `aspect.max`.
 * - Layers: land in light grey, coastlines in dark grey, borders dashed, each place a black dot
 *   with its name on a white halo (greyscale-safe: nothing is told by colour), a scale bar in
 *   kilometres, a frame. No tile, no raster: every line is a path, sharp at any size.
 * - Size: the base map is clipped to the frame by the projection (`clipExtent`), coordinates are
 *   written in tenths of a unit, relative, and points closer than `simplifyUnits` to the last one
 *   kept are dropped.
 * - Labels: beside their dot, at the first of eight positions (right, left, above, below, then the
 *   diagonals) that stays inside the frame and overlaps no other label or dot; the least-crowded
 *   one inside the frame otherwise.
 */
import { geoConicConformal, geoDistance, geoMercator, geoPath, type GeoProjection } from 'd3-geo';
import { s } from 'hastscript';
import type { Element, ElementContent } from 'hast';
import type { Feature, MultiPoint } from 'geojson';
import { baseMap } from './geography.ts';
import { clipLines, clipPolygons, geoBox } from './clip.ts';

export interface MapPlace {
  /** The name the map prints. */
  name: string;
  /** WGS 84 decimal degrees, north and east positive. */
  lat: number;
  lon: number;
}

/** The words a map prints or says (scripts/i18n). */
export interface MapDrawingLabels {
  /** The text alternative: what the map shows (`Carte : Albi, Carmaux et Toulouse`). */
  alt: (title: string | undefined, names: string[]) => string;
  /** One place with its coordinates, for the long description (`Albi, 43,93° N, 2,15° E`). */
  placeWithCoordinates: (name: string, lat: string, lon: string) => string;
  /** The scale bar as read aloud (`Échelle : 20 km`). */
  scale: (length: string) => string;
  /** Joins the places' descriptions in the long description. */
  listSeparator: string;
  /** The cardinal points as coordinates abbreviate them (`O` for ouest, `W` for west). */
  compass: { north: string; south: string; east: string; west: string };
}

export interface MapDrawingOptions {
  labels: MapDrawingLabels;
  /** The book's language: how numbers are written (`1 000 km`, `43,93°`). */
  lang: string;
  title?: string;
}

/** The drawing's width in SVG units; CSS scales it to the text block (templates/). */
export const width = 500;
const aspect = { min: 0.55, max: 1.3 };
const padding = { x: 48, y: 34 };
/** Half the smallest frame, in km: a map of neighbouring towns still shows a coast or a border. */
const minimumExtentKm = { eastWest: 170, northSouth: 120 };
/** A frame less wide than this (degrees of longitude and latitude) is drawn on the 1:10m base map. */
const regionalDegrees = 12;
const earthRadiusKm = 6371.0088;
const simplifyUnits = 0.8;
const smallestUnits = 1.5;
const fontSize = 13;
/** Average advance of a character of the book's serif, in em: labels are measured without the font. */
const averageAdvance = 0.56;
const dotRadius = 3.2;
const frameInset = 1.5;

/** A number in tenths of a unit, as the shortest text SVG reads: `12`, `.3`, `-1.5`. */
function tenths(n: number): string {
  if (n === 0) return '0';
  const text = (Math.abs(n) / 10).toString();
  return (n < 0 ? '-' : '') + (text.startsWith('0.') ? text.slice(1) : text);
}

/**
 * d3-geo's path context, written as compact SVG path data: absolute `M`, then relative `l` in
 * tenths of a unit (rounded once, so that no error builds up), dropping points nearer than
 * `simplifyUnits` to the last one kept (but never the last point of a line), and islands and bits
 * of line smaller than `smallestUnits` across, which would print as specks.
 */
class PathData {
  private readonly out: string[] = [];
  /** The subpath being written, kept until it is known to be big enough. */
  private current: string[] = [];
  private x = 0;
  private y = 0;
  private extent = { x0: 0, y0: 0, x1: 0, y1: 0 };
  private pending: [number, number] | undefined;
  private inLine = false;

  private grow(x: number, y: number): void {
    const e = this.extent;
    if (x < e.x0) e.x0 = x;
    if (x > e.x1) e.x1 = x;
    if (y < e.y0) e.y0 = y;
    if (y > e.y1) e.y1 = y;
  }

  private flush(): void {
    if (!this.pending) return;
    const [x, y] = this.pending;
    this.pending = undefined;
    this.current.push(`${this.inLine ? ' ' : 'l'}${tenths(x - this.x)},${tenths(y - this.y)}`);
    this.inLine = true;
    this.x = x;
    this.y = y;
    this.grow(x, y);
  }

  /** The subpath ends: written if it is big enough to be seen. */
  private end(): void {
    this.flush();
    const e = this.extent;
    if (this.current.length > 1 && Math.max(e.x1 - e.x0, e.y1 - e.y0) >= smallestUnits * 10) this.out.push(...this.current);
    this.current = [];
  }

  moveTo(x: number, y: number): void {
    this.end();
    this.x = Math.round(x * 10);
    this.y = Math.round(y * 10);
    this.extent = { x0: this.x, y0: this.y, x1: this.x, y1: this.y };
    this.current.push(`M${tenths(this.x)},${tenths(this.y)}`);
    this.inLine = false;
  }

  lineTo(x: number, y: number): void {
    const tx = Math.round(x * 10);
    const ty = Math.round(y * 10);
    this.pending = [tx, ty];
    if (Math.hypot(tx - this.x, ty - this.y) >= simplifyUnits * 10) this.flush();
  }

  closePath(): void {
    // The ring closes on its first point: a point left pending just before it adds nothing.
    this.pending = undefined;
    this.current.push('z');
    this.end();
  }

  arc(): void {
    // Only drawn for GeoJSON points, which this module never passes to the path.
  }

  toString(): string {
    this.end();
    return this.out.join('');
  }
}

function projectionFor(places: readonly MapPlace[]): GeoProjection {
  const lats = places.map((place) => place.lat);
  const lons = places.map((place) => place.lon);
  const south = Math.min(...lats);
  const north = Math.max(...lats);
  const centralMeridian = (Math.min(...lons) + Math.max(...lons)) / 2;
  const span = north - south;
  const parallels: [number, number] = [south + span / 6, north - span / 6];
  // A conic needs its standard parallels on one side of the equator, away from it.
  if (south > 5 || north < -5) return geoConicConformal().parallels(parallels).rotate([-centralMeridian, 0]);
  return geoMercator().rotate([-centralMeridian, 0]);
}

/** The point `km` away from `[lon, lat]` (degrees) towards `bearing` (radians from north), on the sphere. */
function destination([lon, lat]: [number, number], bearing: number, km: number): [number, number] {
  const radians = Math.PI / 180;
  const d = km / earthRadiusKm;
  const φ1 = lat * radians;
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(bearing));
  const λ2 = lon * radians + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
  return [λ2 / radians, φ2 / radians];
}

/**
 * The places, and an ellipse of the minimum extent around their centre (wider than tall: a
 * landscape frame takes less of a page): what the frame must hold.
 */
function frameOf(places: readonly MapPlace[]): Feature<MultiPoint> {
  const lats = places.map((place) => place.lat);
  const lons = places.map((place) => place.lon);
  const centre: [number, number] = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
  const ring: Array<[number, number]> = [];
  for (let i = 0; i < 36; i++) {
    const θ = (i / 36) * 2 * Math.PI;
    const [a, b] = [minimumExtentKm.eastWest * Math.sin(θ), minimumExtentKm.northSouth * Math.cos(θ)];
    ring.push(destination(centre, θ, Math.hypot(a, b)));
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: [...places.map((p) => [p.lon, p.lat]), ...ring] } };
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));

interface Label {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  box: Box;
}

/** Where each name goes: see the module comment. `height` is the frame's. */
function placeLabels(points: ReadonlyArray<{ name: string; x: number; y: number }>, height: number): Label[] {
  const gap = dotRadius + 3;
  const ascent = fontSize * 0.72;
  const descent = fontSize * 0.24;
  const inset = 3;
  const dots: Box[] = points.map(({ x, y }) => ({ x0: x - dotRadius, y0: y - dotRadius, x1: x + dotRadius, y1: y + dotRadius }));
  const placed: Box[] = [];
  return points.map(({ name, x, y }) => {
    const w = [...name].length * fontSize * averageAdvance;
    const baselineMiddle = y + (ascent - descent) / 2;
    const candidates: Array<Omit<Label, 'box'>> = [
      { x: x + gap, y: baselineMiddle, anchor: 'start' },
      { x: x - gap, y: baselineMiddle, anchor: 'end' },
      { x, y: y - gap - descent, anchor: 'middle' },
      { x, y: y + gap + ascent, anchor: 'middle' },
      { x: x + gap * 0.8, y: y - gap * 0.8 - descent, anchor: 'start' },
      { x: x + gap * 0.8, y: y + gap * 0.8 + ascent, anchor: 'start' },
      { x: x - gap * 0.8, y: y - gap * 0.8 - descent, anchor: 'end' },
      { x: x - gap * 0.8, y: y + gap * 0.8 + ascent, anchor: 'end' },
    ];
    let best: Label | undefined;
    let bestCost = Infinity;
    for (const candidate of candidates) {
      const x0 = candidate.anchor === 'start' ? candidate.x : candidate.anchor === 'end' ? candidate.x - w : candidate.x - w / 2;
      const box = { x0, y0: candidate.y - ascent, x1: x0 + w, y1: candidate.y + descent };
      const outside = box.x0 < inset || box.y0 < inset || box.x1 > width - inset || box.y1 > height - inset;
      const crowding = [...placed, ...dots].reduce((sum, other) => sum + overlap(box, other), 0);
      if (!outside && crowding === 0) {
        best = { ...candidate, box };
        break;
      }
      // Inside the frame always wins over outside it; then the least overlap.
      const cost = (outside ? 1e9 : 0) + crowding;
      if (cost < bestCost) {
        bestCost = cost;
        best = { ...candidate, box };
      }
    }
    // A name too long for the frame: kept inside it, whatever it covers.
    const label = best!;
    const shift = Math.max(inset - label.box.x0, 0) - Math.max(label.box.x1 - (width - inset), 0);
    label.x += shift;
    label.box = { ...label.box, x0: label.box.x0 + shift, x1: label.box.x1 + shift };
    placed.push(label.box);
    return label;
  });
}

/** The longest round length (1, 2 or 5 times a power of ten, in km) at most `maxKm`. */
function roundLength(maxKm: number): number {
  let best = 1;
  for (let power = 10 ** Math.floor(Math.log10(maxKm)); ; power *= 10) {
    let found = false;
    for (const step of [1, 2, 5]) {
      if (step * power <= maxKm) {
        best = step * power;
        found = true;
      }
    }
    if (!found || power > 1e5) break;
  }
  return best;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The map of `places` (at least one, with coordinates), as an `<svg>` element: `role="img"`, its
 * text alternative in `aria-label` and `<title>`, the places with their coordinates in `<desc>`.
 */
export function drawMap(places: readonly MapPlace[], options: MapDrawingOptions): Element {
  if (places.length === 0) throw new Error('drawMap needs at least one place');
  const { labels, lang } = options;
  const projection = projectionFor(places);
  const frame = frameOf(places);
  // The frame's proportions, from the projection at any scale.
  const [[bx0, by0], [bx1, by1]] = geoPath(projection.fitSize([1000, 1000], frame)).bounds(frame);
  const ratio = Math.min(aspect.max, Math.max(aspect.min, (by1 - by0) / Math.max(bx1 - bx0, 1e-9)));
  const height = Math.round(width * ratio);
  projection
    .fitExtent([[padding.x, padding.y], [width - padding.x, height - padding.y]], frame)
    // The frame line is drawn one unit inside the edge: a print layout may clip the last fraction of a pixel.
    .clipExtent([[frameInset, frameInset], [width - frameInset, height - frameInset]])
    .precision(0);

  const box = geoBox(projection, width, height);
  const regional = box !== undefined && box.east - box.west < regionalDegrees && box.north - box.south < regionalDegrees;
  const world = baseMap(regional ? '10m' : '50m');
  const pathOf = (object: Parameters<ReturnType<typeof geoPath>>[0]) => {
    const data = new PathData();
    geoPath(projection, data as never)(object);
    return data.toString();
  };
  const land = pathOf(box ? clipPolygons(world.land, box) : world.land);
  const coast = pathOf(box ? clipLines(world.coastlines, box) : world.coastlines);
  const borders = pathOf(box ? clipLines(world.borders, box) : world.borders);

  const points = places.map((place) => {
    const [x, y] = projection([place.lon, place.lat])!;
    return { name: place.name, x, y };
  });
  const names = placeLabels(points, height);

  // The scale bar, measured where it stands (a conformal map's scale varies with place): bottom
  // left, or bottom right when a place or its name is in the way there and not there.
  const barY = height - 16;
  const kmPerUnitAt = (x: number) => (geoDistance(projection.invert!([x, barY])!, projection.invert!([x + 100, barY])!) * earthRadiusKm) / 100;
  const lengthKm = roundLength(width * 0.28 * kmPerUnitAt(14));
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const lengthText = `${number.format(lengthKm)}\u00a0km`;
  const barBox = (x: number, units: number): Box => ({ x0: x - 4, y0: barY - 17, x1: x + units + 4 + lengthText.length * (fontSize - 2) * 0.3, y1: barY + 7 });
  const inTheWay = (box: Box) => names.reduce((sum, label, i) => sum + overlap(box, label.box) + overlap(box, { x0: points[i].x - 4, y0: points[i].y - 4, x1: points[i].x + 4, y1: points[i].y + 4 }), 0);
  let barX = 14;
  let barUnits = lengthKm / kmPerUnitAt(barX);
  if (inTheWay(barBox(barX, barUnits)) > 0) {
    const rightUnits = lengthKm / kmPerUnitAt(width - 14 - barUnits);
    const rightX = width - 14 - rightUnits - lengthText.length * (fontSize - 2) * 0.3;
    if (inTheWay(barBox(rightX, rightUnits)) === 0) {
      barX = round1(rightX);
      barUnits = lengthKm / kmPerUnitAt(barX);
    }
  }

  const degrees = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const coordinate = (value: number, positive: string, negative: string) => `${degrees.format(Math.abs(value))}°\u00a0${value < 0 ? negative : positive}`;
  const alt = labels.alt(options.title, places.map((place) => place.name));
  const { north, south, east, west } = labels.compass;
  const description = places
    .map((place) => labels.placeWithCoordinates(place.name, coordinate(place.lat, north, south), coordinate(place.lon, east, west)))
    .join(labels.listSeparator);

  const layers: ElementContent[] = [
    s('rect', { x: frameInset, y: frameInset, width: width - 2 * frameInset, height: height - 2 * frameInset, fill: '#fff' }),
    s('path', { className: ['map-land'], d: land, fill: '#e4e4e4' }),
    s('path', { className: ['map-borders'], d: borders, fill: 'none', stroke: '#6e6e6e', strokeWidth: 0.8, strokeDasharray: '3 2' }),
    s('path', { className: ['map-coast'], d: coast, fill: 'none', stroke: '#3c3c3c', strokeWidth: 0.7 }),
    s(
      'g',
      { className: ['map-places'], fill: '#000', stroke: '#fff', strokeWidth: 1 },
      points.map(({ x, y }) => s('circle', { cx: round1(x), cy: round1(y), r: dotRadius })),
    ),
    // The names twice: a white halo under black letters (SVG 1.1, which EPUBCheck reads, has no `paint-order`).
    ...[{ fill: '#fff', stroke: '#fff', strokeWidth: 3, strokeLinejoin: 'round', ariaHidden: 'true' }, { fill: '#000' }].map((paint) =>
      s(
        'g',
        { className: ['map-labels'], fontSize, ...paint },
        names.map((label, i) => s('text', { x: round1(label.x), y: round1(label.y), textAnchor: label.anchor === 'start' ? undefined : label.anchor }, points[i].name)),
      ),
    ),
    s('g', { className: ['map-scale'], fontSize: fontSize - 2 }, [
      s('rect', { x: round1(barX - 4), y: barY - 17, width: round1(barUnits + 8 + lengthText.length * (fontSize - 2) * 0.3), height: 24, fill: '#fff', fillOpacity: 0.85 }),
      s('path', { d: `M${barX},${barY}h${round1(barUnits)}`, stroke: '#000', strokeWidth: 3, fill: 'none' }),
      s('path', { d: `M${barX},${barY - 4}v8M${round1(barX + barUnits)},${barY - 4}v8`, stroke: '#000', strokeWidth: 1, fill: 'none' }),
      s('text', { x: barX, y: barY - 6 }, `0`),
      s('text', { x: round1(barX + barUnits), y: barY - 6, textAnchor: 'middle' }, lengthText),
    ]),
    s('rect', { x: frameInset, y: frameInset, width: width - 2 * frameInset, height: height - 2 * frameInset, fill: 'none', stroke: '#000', strokeWidth: 1 }),
  ];
  return s(
    'svg',
    { className: ['map-drawing'], viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', ariaLabel: alt },
    [s('title', alt), s('desc', `${description}. ${labels.scale(lengthText)}.`), ...layers],
  );
}
