/**
 * The base map every `::map` is drawn on: Natural Earth's countries (public domain), as the
 * `world-atlas` npm package ships them in TopoJSON, at 1:10m for a region (a few hundred
 * kilometres: the coast of a gulf keeps its shape) and 1:50m for a country or a continent. Read
 * from node_modules, never fetched: a map is made offline, at build time, the same way each time.
 * Each resolution is read once per process, on the first map that needs it (1:10m takes about a
 * second: 3.6 MB of JSON).
 *
 * From the one topology come three layers: the land (the countries merged: its fill), the
 * coastlines (arcs that only one country has: an edge of land against sea) and the borders (arcs
 * two countries share). Drawing coast and borders as meshes rather than as polygon outlines gives
 * each line once, and lets them be styled apart.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { merge, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { MultiLineString, MultiPolygon } from 'geojson';

export type Resolution = '10m' | '50m';

export interface BaseMap {
  land: MultiPolygon;
  coastlines: MultiLineString;
  borders: MultiLineString;
}

const cached = new Map<Resolution, BaseMap>();

export function baseMap(resolution: Resolution): BaseMap {
  const known = cached.get(resolution);
  if (known) return known;
  const file = createRequire(import.meta.url).resolve(`world-atlas/countries-${resolution}.json`);
  const topology = JSON.parse(readFileSync(file, 'utf8')) as Topology<{ countries: GeometryCollection }>;
  const countries = topology.objects.countries;
  const map: BaseMap = {
    land: merge(topology, countries.geometries as Parameters<typeof merge>[1]),
    coastlines: mesh(topology, countries, (a, b) => a === b),
    borders: mesh(topology, countries, (a, b) => a !== b),
  };
  cached.set(resolution, map);
  return map;
}
