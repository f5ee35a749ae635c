// The pathological inputs of issue 19, each of which once froze or crashed the extension host and
// the CLI. `bounded`: the allocation bounds stop it (src/analysis/allocation.ts); the others are
// stopped only by the worker's or the CLI's deadline.

/** One pathological input. */
export interface PathologicalInput {
  name: string;
  language: 'python' | 'typescript';
  text: string;
  bounded: boolean;
}

export const pathologicalInputs: PathologicalInput[] = [
  { name: 'list doubling', language: 'python', bounded: true, text: 'a = [0] * 100000\nfor i in range(100):\n    a = a + a\n' },
  { name: 'itertools.repeat', language: 'python', bounded: true, text: 'import itertools\nfor x in itertools.repeat(0, 10**9):\n    pass\n' },
  { name: 'torch.zeros rows', language: 'python', bounded: true, text: 'import torch\nt = torch.zeros(10**9, 1)\nfor row in t:\n    pass\n' },
  {
    name: 'itertools.product',
    language: 'python',
    bounded: true,
    text: 'import itertools\nfor p in itertools.product(range(200), range(200), range(200), range(200)):\n    pass\n',
  },
  { name: 'list product', language: 'python', bounded: true, text: 'a = [0] * 100000 * 100000\n' },
  {
    name: 'huge string argument',
    language: 'python',
    bounded: true,
    text: "import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3, padding_mode='a' * 300000000)\n",
  },
  { name: 'TypeScript concat', language: 'typescript', bounded: true, text: 'let a = [0];\nfor (let i = 0; i < 100; i++) { a = a.concat(a); }\n' },
  {
    // Symbolic dims multiplied in a loop: the polynomial's terms grow until the symbolic bounds
    // of src/analysis/shapes.ts stop them.
    name: 'symbolic polynomial growth',
    language: 'python',
    bounded: true,
    text: [
      ...forwardWithBinding('(A, B, C, D)'),
      '        n = x.shape[0] + x.shape[1] + x.shape[2] + x.shape[3] + 1',
      '        d = n',
      '        for i in range(60):',
      '            d = d * n',
      '        return torch.zeros(d)',
      '',
    ].join('\n'),
  },
  {
    // The polynomial of each pass is the square of the last plus itself: its degree doubles and its
    // terms grow with it, until the symbolic bounds stop them.
    name: 'symbolic square-and-add',
    language: 'python',
    bounded: true,
    text: [
      ...forwardWithBinding('(N, 4)'),
      '        h = x.shape[0]',
      '        for i in range(200):',
      '            h = h * h + h',
      '        return torch.zeros(h)',
      '',
    ].join('\n'),
  },
  {
    // Each membership test walks 100,000 items, and is charged the step budget by that length
    // (allocation.ts's WalkMeter), so the loop's share of the budget stops it after a few dozen
    // tests instead of 65,536 (about 6.5·10⁹ comparisons, which only the deadline stopped before).
    name: 'membership in a large list',
    language: 'python',
    bounded: true,
    text: 'a = [0] * 100000\nn = 0\nfor i in range(1000):\n    for j in range(1000):\n        if 1 in a:\n            n = n + 1\n',
  },
  {
    // Products of symbolic sizes at the edge of the symbolic bounds (src/analysis/shapes.ts): each
    // `p * p` multiplies two 15-term polynomials over 480-character names (225 products of long
    // terms) before the result is found to exceed the bounds, about half a millisecond for one step
    // of the budget. The whole budget's worth takes about 25 s: finite, but only the worker's or the
    // CLI's deadline stops it within 2 s.
    name: 'symbolic products at the bounds',
    language: 'python',
    bounded: false,
    text: slowSymbolicProducts(),
  },
];

/** A module whose `forward(self, x)` line binds x to `shape`; the caller writes the body. */
function forwardWithBinding(shape: string): string[] {
  return [
    'import torch',
    'import torch.nn as nn',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(4, 4)',
    `    def forward(self, x):  # layer-lens: x: ${shape}`,
  ];
}

/** The text of the input only the deadline stops; its hot line is the 14th (`m = p * p`). */
export function slowSymbolicProducts(): string {
  const names = ['A', 'B', 'C', 'D', 'E'].map((c) => c.repeat(480));
  return [
    ...forwardWithBinding(`(${names.join(', ')})`),
    '        n = x.shape[0] + x.shape[1] + x.shape[2] + x.shape[3] + x.shape[4]',
    '        p = n * n',
    '        m = 0',
    '        for i in range(1000):',
    '            for j in range(1000):',
    '                m = p * p',
    '        return torch.zeros(m)',
    '',
  ].join('\n');
}
