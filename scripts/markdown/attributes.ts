/**
 * Pandoc attribute lists: `{#id .class key=value key="a value"}`.
 * Returns undefined when the text is not a well-formed list, so that the braces stay text.
 */
export interface Attributes {
  id?: string;
  classes: string[];
  pairs: Record<string, string>;
}

const token = /\s*(?:#([\w:.-]+)|\.([\w-]+)|([A-Za-z_][\w:.-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"'}]+)))\s*/y;

export function parseAttributes(text: string): Attributes | undefined {
  const attributes: Attributes = { classes: [], pairs: {} };
  let index = 0;
  if (text.trim() === '') return undefined;
  while (index < text.length) {
    token.lastIndex = index;
    const match = token.exec(text);
    if (!match) return undefined;
    index = token.lastIndex;
    const [, id, className, key, doubleQuoted, singleQuoted, bare] = match;
    if (id) attributes.id = id;
    else if (className) attributes.classes.push(className);
    else if (key) attributes.pairs[key] = doubleQuoted ?? singleQuoted ?? bare ?? '';
  }
  return attributes;
}

/** hast properties for an element carrying these attributes. */
export function attributesToProperties(attributes: Attributes): Record<string, string | string[]> {
  const properties: Record<string, string | string[]> = {};
  if (attributes.id) properties.id = attributes.id;
  if (attributes.classes.length) properties.className = attributes.classes;
  for (const [key, value] of Object.entries(attributes.pairs)) properties[key] = value;
  return properties;
}
