/**
 * The difference between two sequences (blocks of a chapter, words of a block): the longest common
 * subsequence, by dynamic programming over what remains once the common head and tail are set
 * aside (most edits of a proof touch a few words of a long text, so what remains is small).
 * Pure and deterministic: ties prefer deletions before insertions, as `diff` prints them.
 */
export type Edit<T> =
  | { op: 'equal'; a: T; b: T }
  | { op: 'delete'; a: T }
  | { op: 'insert'; b: T };

/** Above this many cells the middle is not aligned but replaced whole (a rewrite, not an edit). */
const maxCells = 4_000_000;

export function diffSequences<T>(a: readonly T[], b: readonly T[], equal: (x: T, y: T) => boolean): Edit<T>[] {
  let head = 0;
  while (head < a.length && head < b.length && equal(a[head], b[head])) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && equal(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;

  const edits: Edit<T>[] = [];
  for (let i = 0; i < head; i++) edits.push({ op: 'equal', a: a[i], b: b[i] });

  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  if (n * m > maxCells) {
    for (const x of midA) edits.push({ op: 'delete', a: x });
    for (const y of midB) edits.push({ op: 'insert', b: y });
  } else {
    // lengths[i * (m + 1) + j]: length of the LCS of midA[i..] and midB[j..].
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * width + j] = equal(midA[i], midB[j])
          ? lengths[(i + 1) * width + j + 1] + 1
          : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (equal(midA[i], midB[j]) && lengths[i * width + j] === lengths[(i + 1) * width + j + 1] + 1) {
        edits.push({ op: 'equal', a: midA[i], b: midB[j] });
        i++;
        j++;
      } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
        edits.push({ op: 'delete', a: midA[i++] });
      } else {
        edits.push({ op: 'insert', b: midB[j++] });
      }
    }
    while (i < n) edits.push({ op: 'delete', a: midA[i++] });
    while (j < m) edits.push({ op: 'insert', b: midB[j++] });
  }

  for (let k = tail; k > 0; k--) edits.push({ op: 'equal', a: a[a.length - k], b: b[b.length - k] });
  return edits;
}
