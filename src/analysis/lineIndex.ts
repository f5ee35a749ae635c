// The one offset → line index of the core: the Python interpreter, its findings and the
// TensorFlow.js front end all turn source offsets into 1-based lines through it.

/** Start offsets of the lines of a text (the first is 0; each `\n` starts the next line). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The 1-based line holding `offset`, given the line starts of its text (binary search). */
export function lineAt(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** A function from offset to 1-based line for one text, its line starts computed once. */
export function lineIndex(text: string): (offset: number) => number {
  const starts = lineStartsOf(text);
  return (offset) => lineAt(starts, offset);
}
