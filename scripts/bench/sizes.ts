/** Book sizes, in words, as the command line takes them (`20k`, `100000`). */
export const fullSizes = [20_000, 100_000, 300_000] as const;
export const quickSizes = [20_000] as const;

export function parseWordCount(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(k?)\s*$/i.exec(text);
  if (!match) return undefined;
  const words = Math.round(Number(match[1]) * (match[2] ? 1000 : 1));
  return words >= 100 ? words : undefined;
}

/** `20000` → `20k`, for labels and folder names. */
export function sizeLabel(words: number): string {
  return words % 1000 === 0 ? `${words / 1000}k` : String(words);
}
