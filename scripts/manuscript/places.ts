/**
 * The places registry (`places.yaml`, named by `places:` in book.yaml; see
 * docs/manuscript-format.md): one entry per place with its id (what `::map{places="…"}` names),
 * the name the book prints, the forms met in the sources, its coordinates (WGS 84 decimal
 * degrees, both or neither), an optional note and the bibliography keys of its sources. Read and validated by the
 * shared registry loader (registry.ts) when the book is loaded; the editions find it on
 * `book.places` (the index of places, the maps).
 */
import type { VFile } from 'vfile';
import { z } from 'zod';
import type { Place as YamlPlace } from '../config/load-config.ts';
import { languageTag } from './names.ts';
import { parseRegistry, readRegistry, type Positioned, type RegistryKind } from './registry.ts';

export const placeSchema = z
  .object({
    id: z.string().regex(/^[\p{L}\p{N}_-]+$/u, 'an id of letters, digits, `-` or `_`'),
    name: z.string().min(1, 'the name of the place as the book prints it'),
    forms: z.array(z.object({ form: z.string().min(1), lang: languageTag }).strict()).default([]),
    // Decimal degrees, WGS 84: north and east positive. Both or neither: a region or a front has
    // no point, and may still be indexed (it cannot be put on a map, which says so at its line).
    lat: z.number().min(-90, 'a latitude between -90 and 90 (degrees, north positive)').max(90, 'a latitude between -90 and 90 (degrees, north positive)').optional(),
    lon: z.number().min(-180, 'a longitude between -180 and 180 (degrees, east positive)').max(180, 'a longitude between -180 and 180 (degrees, east positive)').optional(),
    note: z.string().optional(),
    sources: z.array(z.string()).optional(),
  })
  .strict();

/** A place of the registry, with the place (line, column) of its entry in places.yaml. */
export type PlaceEntry = Positioned<z.output<typeof placeSchema>>;

export const placesKind: RegistryKind<z.output<typeof placeSchema>> = {
  key: 'places',
  what: 'places registry',
  ruleId: 'places-invalid',
  entry: placeSchema,
  unique: { of: (place) => place.id, at: 'id', label: 'Place id', fix: 'give each place one entry' },
  refine: (place) =>
    (place.lat === undefined) === (place.lon === undefined)
      ? []
      : [{ at: [place.lat === undefined ? 'lon' : 'lat'], reason: `a ${place.lat === undefined ? 'longitude' : 'latitude'} without its ${place.lat === undefined ? 'latitude' : 'longitude'}; give both \`lat\` and \`lon\`, or neither` }],
};

export interface PlacesRegistry {
  places: PlaceEntry[];
  file: VFile;
}

/** Validate the registry text; problems are messages on `file` with their line, and make the result undefined. */
export function parsePlaces(file: VFile): PlaceEntry[] | undefined {
  return parseRegistry(file, placesKind);
}

/** Read and validate the registry book.yaml names at `places:` (registry.ts). */
export async function readPlacesRegistry(root: string, name: string, config: { file: VFile; place: YamlPlace }): Promise<{ registry?: PlacesRegistry; files: VFile[] }> {
  const { registry, files } = await readRegistry(root, name, placesKind, config);
  return { registry: registry ? { places: registry.entries, file: registry.file } : undefined, files };
}

/** The place with id `id` in `places`, if any (what `::map{places="…"}` looks up). */
export function placeById(places: readonly PlaceEntry[] | undefined, id: string): PlaceEntry | undefined {
  return places?.find((place) => place.id === id);
}
