// Whether a JSON-like value nests deeper than `maxDepth` containers. Python's
// json module recurses in C and Pyodide's stack is smaller than Python's
// recursion checks assume, so deeply nested inputs are refused before they
// reach the sandbox. Iterative: the value may be deep enough to overflow ours.
export function exceedsNestingDepth(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (depth > maxDepth) return true;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
