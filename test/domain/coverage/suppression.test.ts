import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suppressTree, type CountNode } from '../../../src/domain/coverage/index.js';

const K = 10;
const leaf = (id: string, count: number): CountNode => ({ id, count });
const node = (id: string, children: CountNode[]): CountNode => ({
  id,
  count: children.reduce((s, c) => s + c.count, 0),
  children,
});

describe('suppressTree (table)', () => {
  it.each([
    {
      name: 'nothing small: all published',
      tree: node('NL', [leaf('a', 30), leaf('b', 12)]),
      expected: { NL: 'published', a: 'published', b: 'published' },
    },
    {
      name: 'one small child: its sibling goes too, else NL − a gives b',
      tree: node('NL', [leaf('a', 30), leaf('b', 4), leaf('c', 20)]),
      expected: { NL: 'published', a: 'published', b: 'primary', c: 'secondary' },
    },
    {
      name: 'two small children together reach k: no secondary needed',
      tree: node('NL', [leaf('a', 30), leaf('b', 6), leaf('c', 5)]),
      expected: { NL: 'published', a: 'published', b: 'primary', c: 'primary' },
    },
    {
      name: 'empty cells are not published but leak nothing',
      tree: node('NL', [leaf('a', 30), leaf('b', 0)]),
      expected: { NL: 'published', a: 'published', b: 'primary' },
    },
    {
      name: 'small parent total',
      tree: node('NL', [leaf('a', 3), leaf('b', 4)]),
      expected: { NL: 'primary', a: 'primary', b: 'primary' },
    },
    {
      name: 'three levels: a small municipality under an organisation',
      tree: node('NL', [node('org1', [leaf('m1', 50), leaf('m2', 2)]), node('org2', [leaf('m3', 40)])]),
      expected: {
        NL: 'published',
        org1: 'published',
        m1: 'secondary',
        m2: 'primary',
        org2: 'published',
        m3: 'published',
      },
    },
  ])('$name', ({ tree, expected }) => {
    const { state } = suppressTree(tree, K);
    expect(Object.fromEntries(state)).toEqual(expected);
  });

  it('refuses a threshold below 1 and negative counts', () => {
    expect(() => suppressTree(leaf('x', 3), 0)).toThrow(RangeError);
    expect(() => suppressTree(leaf('x', -1), 5)).toThrow(RangeError);
  });
});

// Random trees of depth ≤ 3 whose parents sum their children, like NL → organisation → municipality.
const treeArb: fc.Arbitrary<CountNode> = fc
  .array(fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 })
  .map((orgs) =>
    node(
      'NL',
      orgs.map((munis, o) =>
        node(
          `o${o}`,
          munis.map((count, m) => leaf(`o${o}m${m}`, count)),
        ),
      ),
    ),
  );

function all(n: CountNode, out: CountNode[] = []): CountNode[] {
  out.push(n);
  for (const c of n.children ?? []) all(c, out);
  return out;
}
function leaves(n: CountNode): Set<string> {
  return new Set(
    all(n)
      .filter((x) => !x.children?.length)
      .map((x) => x.id),
  );
}

describe('suppressTree (properties)', () => {
  it('never publishes a cell below the threshold', () => {
    fc.assert(
      fc.property(treeArb, fc.integer({ min: 1, max: 15 }), (tree, k) => {
        const { state } = suppressTree(tree, k);
        for (const n of all(tree))
          if (state.get(n.id) === 'published') expect(n.count).toBeGreaterThanOrEqual(k);
      }),
    );
  });

  it('no differencing: for published A inside published B, B − A is 0 or at least k', () => {
    fc.assert(
      fc.property(treeArb, fc.integer({ min: 1, max: 15 }), (tree, k) => {
        const { state } = suppressTree(tree, k);
        const published = all(tree).filter((n) => state.get(n.id) === 'published');
        for (const a of published) {
          for (const b of published) {
            const la = leaves(a);
            const lb = leaves(b);
            if (a === b || ![...la].every((x) => lb.has(x))) continue;
            const diff = b.count - a.count;
            expect(diff === 0 || diff >= k, `${b.id} − ${a.id} = ${diff}`).toBe(true);
          }
        }
      }),
    );
  });

  it('no differencing: a published parent minus its published children is 0 or at least k', () => {
    fc.assert(
      fc.property(treeArb, fc.integer({ min: 1, max: 15 }), (tree, k) => {
        const { state } = suppressTree(tree, k);
        for (const parent of all(tree)) {
          if (state.get(parent.id) !== 'published' || !parent.children) continue;
          // Subtracting every published descendant cover leaves the hidden rest.
          const hidden = (n: CountNode): number =>
            (n.children ?? []).reduce(
              (s, c) => s + (state.get(c.id) === 'published' ? 0 : c.children?.length ? hidden(c) : c.count),
              0,
            );
          const rest = hidden(parent);
          expect(rest === 0 || rest >= k).toBe(true);
        }
      }),
    );
  });

  it('keeps primary cells suppressed and is deterministic', () => {
    fc.assert(
      fc.property(treeArb, fc.integer({ min: 1, max: 15 }), (tree, k) => {
        const first = suppressTree(tree, k).state;
        expect(suppressTree(tree, k).state).toEqual(first);
        for (const n of all(tree)) if (n.count < k) expect(first.get(n.id)).toBe('primary');
      }),
    );
  });
});
