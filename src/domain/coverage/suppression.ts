/**
 * Small-number suppression for published aggregates (R-R5: outputs from anonymous data are aggregates
 * with small-number suppression; coverage figures must never point at a person).
 *
 * Cells form a tree (national → organisation → municipality): a parent's count is the sum of its
 * children's. Two rules:
 *  1. primary: a cell whose count is below the threshold `k` is not published;
 *  2. secondary (differencing): for every published cell, the part of its count not covered by
 *     published cells below it (its *residual*) is 0 or at least `k`; otherwise the smallest published
 *     cell below it is suppressed too, until that holds. Then for any two published cells A inside B,
 *     B − A is 0 or ≥ k (proved in docs/coverage.md, tested as a property).
 * Pure and deterministic (ties broken by id).
 */

export interface CountNode {
  readonly id: string;
  readonly count: number;
  readonly children?: readonly CountNode[];
}

export type CellState = 'published' | 'primary' | 'secondary';

export interface SuppressionResult {
  readonly state: ReadonlyMap<string, CellState>;
}

export function isPublished(result: SuppressionResult, id: string): boolean {
  return result.state.get(id) === 'published';
}

function walk(node: CountNode, visit: (n: CountNode) => void): void {
  visit(node);
  for (const c of node.children ?? []) walk(c, visit);
}

/** Suppresses cells of a tree of counts with threshold `k` (k ≥ 1). */
export function suppressTree(root: CountNode, k: number): SuppressionResult {
  if (!Number.isInteger(k) || k < 1) throw new RangeError('threshold must be a positive integer');
  const state = new Map<string, CellState>();
  const nodes: CountNode[] = [];
  walk(root, (n) => {
    if (state.has(n.id)) throw new Error(`duplicate cell id ${n.id}`);
    if (!Number.isInteger(n.count) || n.count < 0)
      throw new RangeError(`count of ${n.id} must be a whole number ≥ 0`);
    state.set(n.id, n.count < k ? 'primary' : 'published');
    nodes.push(n);
  });

  /** The maximal published cells strictly below `node` (what an attacker can subtract). */
  const cover = (node: CountNode, out: CountNode[]): void => {
    for (const c of node.children ?? []) {
      if (state.get(c.id) === 'published') out.push(c);
      else cover(c, out);
    }
  };

  let changed = true;
  while (changed) {
    changed = false;
    for (const node of nodes) {
      if (state.get(node.id) !== 'published' || !node.children?.length) continue;
      const covered: CountNode[] = [];
      cover(node, covered);
      const residual = node.count - covered.reduce((s, c) => s + c.count, 0);
      if (residual === 0 || residual >= k) continue;
      // Residual in (0, k) (or negative: inconsistent input treated as unsafe): suppress the smallest
      // covering cell; its own cover then takes its place, so the loop always makes progress.
      const victim = [...covered].sort((a, b) => a.count - b.count || (a.id < b.id ? -1 : 1))[0];
      if (!victim) {
        state.set(node.id, 'secondary');
      } else {
        state.set(victim.id, 'secondary');
      }
      changed = true;
    }
  }
  return { state };
}
