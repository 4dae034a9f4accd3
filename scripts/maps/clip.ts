/**
 * The base map cut to the neighbourhood of a frame before it is projected: d3-geo would otherwise
 * resample, cut at the antimeridian and clip the whole world's coastlines for every map (half a
 * second for a map of three towns). The cut is in longitude and latitude, to a box a little larger
 * than the frame (`geoBox`), so that its edges are never seen: the projection's own `clipExtent`
 * then cuts exactly to the frame.
 */
import type { GeoProjection } from 'd3-geo';
import type { MultiLineString, MultiPolygon, Position } from 'geojson';

export interface GeoBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/**
 * The longitudes and latitudes the frame `[0, 0]–[width, height]` of `projection` shows, with a
 * margin; undefined when the frame reaches a pole or goes round the world (then nothing is cut).
 */
export function geoBox(projection: GeoProjection, width: number, height: number): GeoBox | undefined {
  const invert = projection.invert;
  if (!invert) return undefined;
  const lons: number[] = [];
  const lats: number[] = [];
  const steps = 24;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    for (const [x, y] of [[t * width, 0], [t * width, height], [0, t * height], [width, t * height]]) {
      const point = invert([x, y]);
      if (!point || !Number.isFinite(point[0]) || !Number.isFinite(point[1])) return undefined;
      lons.push(point[0]);
      lats.push(point[1]);
    }
  }
  const west = Math.min(...lons);
  const east = Math.max(...lons);
  const south = Math.min(...lats);
  const north = Math.max(...lats);
  if (east - west > 240) return undefined;
  const margin = (span: number) => Math.max(1, span * 0.15);
  const box = { west: west - margin(east - west), east: east + margin(east - west), south: south - margin(north - south), north: north + margin(north - south) };
  if (box.north >= 89 || box.south <= -89 || box.west <= -180 || box.east >= 180) return undefined;
  return box;
}

const inside = (box: GeoBox, [lon, lat]: Position) => lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;

/** Each line cut into the runs of it that come into the box (with one point beyond each end). */
export function clipLines(lines: MultiLineString, box: GeoBox): MultiLineString {
  const out: Position[][] = [];
  for (const line of lines.coordinates) {
    let run: Position[] = [];
    for (let i = 0; i < line.length; i++) {
      const near = inside(box, line[i]) || (i > 0 && inside(box, line[i - 1])) || (i + 1 < line.length && inside(box, line[i + 1]));
      if (near) run.push(line[i]);
      else if (run.length) {
        if (run.length > 1) out.push(run);
        run = [];
      }
    }
    if (run.length > 1) out.push(run);
  }
  return { type: 'MultiLineString', coordinates: out };
}

/** Sutherland–Hodgman against one edge of the box. */
function clipRing(ring: Position[], keep: (p: Position) => boolean, cross: (a: Position, b: Position) => Position): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < ring.length; i++) {
    const current = ring[i];
    const previous = ring[(i + ring.length - 1) % ring.length];
    if (keep(current)) {
      if (!keep(previous)) out.push(cross(previous, current));
      out.push(current);
    } else if (keep(previous)) {
      out.push(cross(previous, current));
    }
  }
  return out;
}

/**
 * A segment the cut made along the box is long: d3-geo would draw it as a great circle, which bows
 * away from a parallel. Points every half degree keep it where it was cut.
 */
function densify(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    out.push(a);
    const n = Math.floor(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])) / 0.5);
    for (let k = 1; k < n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}

/** Polygons cut to the box (their rings keep their direction, which d3-geo reads as inside and outside). */
export function clipPolygons(polygons: MultiPolygon, box: GeoBox): MultiPolygon {
  const at = (a: Position, b: Position, t: number): Position => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  const edges: Array<[(p: Position) => boolean, (a: Position, b: Position) => Position]> = [
    [(p) => p[0] >= box.west, (a, b) => at(a, b, (box.west - a[0]) / (b[0] - a[0]))],
    [(p) => p[0] <= box.east, (a, b) => at(a, b, (box.east - a[0]) / (b[0] - a[0]))],
    [(p) => p[1] >= box.south, (a, b) => at(a, b, (box.south - a[1]) / (b[1] - a[1]))],
    [(p) => p[1] <= box.north, (a, b) => at(a, b, (box.north - a[1]) / (b[1] - a[1]))],
  ];
  const out: Position[][][] = [];
  for (const polygon of polygons.coordinates) {
    const rings: Position[][] = [];
    for (const [index, closed] of polygon.entries()) {
      // GeoJSON repeats the first point at the end; the cut works on the open ring.
      const unwrapped = unwrap(closed.slice(0, -1));
      if (!unwrapped) {
        // A ring round a pole (Antarctica): not cut, d3-geo draws it whole.
        rings.push(closed);
        continue;
      }
      let ring = unwrapped;
      if (!ring.some((p) => inside(box, p)) && !ringMayCover(ring, box)) {
        if (index === 0) break;
        continue;
      }
      for (const [keep, cross] of edges) ring = clipRing(ring, keep, cross);
      if (ring.length < 3) {
        if (index === 0) break;
        continue;
      }
      ring = densify(ring);
      rings.push([...ring, ring[0]]);
    }
    if (rings.length) out.push(rings);
  }
  return { type: 'MultiPolygon', coordinates: out };
}

/**
 * A ring crossing the antimeridian jumps from 180° to -180°; cut as it is, that jump would become
 * an edge across the map. Its longitudes are made continuous (beyond ±180° if need be); undefined
 * when they cannot be, for a ring that goes round a pole.
 */
function unwrap(ring: Position[]): Position[] | undefined {
  let offset = 0;
  let jumped = false;
  const out = ring.map((point, i) => {
    if (i > 0) {
      const step = point[0] - ring[i - 1][0];
      if (step > 180) offset -= 360;
      else if (step < -180) offset += 360;
      if (offset !== 0) jumped = true;
    }
    return offset === 0 ? point : [point[0] + offset, point[1]];
  });
  if (!jumped) return ring;
  const closing = ring[0][0] - ring[ring.length - 1][0];
  const last = offset + (closing > 180 ? -360 : closing < -180 ? 360 : 0);
  return last === 0 ? out : undefined;
}

/** A ring with no point in the box may still surround it or cross it: its bounding box says if it can. */
function ringMayCover(ring: Position[], box: GeoBox): boolean {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const [lon, lat] of ring) {
    if (lon < west) west = lon;
    if (lon > east) east = lon;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  return west <= box.east && east >= box.west && south <= box.north && north >= box.south;
}
