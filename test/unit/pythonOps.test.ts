// Shape rules of tensor methods, torch.* and F.* functions and operators, each checked on one
// expression in a forward() with bound symbolic and exact inputs.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { ShapesOut } from '../../src/analysis/types';

function shapeOf(expr: string, setup = ''): ShapesOut | undefined {
  const src = `import torch
import torch.nn.functional as F

class M(torch.nn.Module):
    # layer-lens: x: (N, 3, 8, 8), t: (B, T, 64), ids: (B, T):long
    def forward(self, x, t, ids):
${setup ? setup.split('\n').map((l) => `        ${l}`).join('\n') + '\n' : ''}        return ${expr}
`;
  const a = analyze(src, 'python');
  return a.models[0]?.outputShapes?.[0];
}

const cases: [string, ShapesOut, string?][] = [
  ['t.view(B * T, -1)', ['B*T', 64], 'B, T, D = t.shape'],
  ['t.view(-1, 64)', ['B*T', 64]],
  ['t.reshape(t.size(0), t.size(1), 4, 16)', ['B', 'T', 4, 16]],
  ['t.view(B, T, 4, D // 4).transpose(1, 2)', ['B', 4, 'T', 16], 'B, T, D = t.shape'],
  ['x.permute(0, 2, 3, 1)', ['N', 8, 8, 3]],
  ['x.flatten(1)', ['N', 192]],
  ['torch.flatten(x, 1)', ['N', 192]],
  ['x.unsqueeze(1)', ['N', 1, 3, 8, 8]],
  ['x[:, :1].squeeze(1)', ['N', 8, 8]],
  ['t.mean(dim=-1, keepdim=True)', ['B', 'T', 1]],
  ['t.sum(1)', ['B', 64]],
  ['t.max(dim=-1)', { tuple: [['B', 'T'], ['B', 'T']] }],
  ['t.chunk(4, dim=-1)', { tuple: [['B', 'T', 16], ['B', 'T', 16], ['B', 'T', 16], ['B', 'T', 16]] }],
  ['t.split(16, dim=2)[1]', ['B', 'T', 16]],
  ['t.split([16, 48], dim=-1)[1]', ['B', 'T', 48]],
  ['t[:, :, :32]', ['B', 'T', 32]],
  ['t[:, -1]', ['B', 64]],
  ['t[..., None, ::2]', ['B', 'T', 1, 32]],
  ['t[:, :, :-4]', ['B', 'T', 60]],
  ['t[:, 1:]', ['B', 'T-1', 64]],
  ['torch.cat([t, t], dim=-1)', ['B', 'T', 128]],
  ['torch.stack([t, t], dim=0)', [2, 'B', 'T', 64]],
  ['t.unsqueeze(2).expand(-1, -1, 5, -1)', ['B', 'T', 5, 64]],
  ['t.repeat(1, 2, 1)', ['B', '2*T', 64]],
  ['t.masked_fill(torch.ones(T, T).tril()[:T, :T] == 0, 0.0)', ['B', 'T', 64], 'B, T, D = t.shape'],
  ['F.softmax(t, dim=-1)', ['B', 'T', 64]],
  ['t @ t.transpose(-2, -1)', ['B', 'T', 'T']],
  ['torch.bmm(t, t.transpose(1, 2))', ['B', 'T', 'T']],
  ["torch.einsum('btd,bsd->bts', t, t)", ['B', 'T', 'T']],
  ['t + torch.zeros(64)', ['B', 'T', 64]],
  ['t * torch.ones(1, T, 1)', ['B', 'T', 64], 'B, T, D = t.shape'],
  ['F.pad(x, (1, 2, 0, 0))', ['N', 3, 8, 11]],
  ['F.conv2d(x, torch.randn(16, 3, 3, 3), stride=2, padding=1)', ['N', 16, 4, 4]],
  ['F.max_pool2d(x, 2)', ['N', 3, 4, 4]],
  ['F.adaptive_avg_pool2d(x, (1, 1))', ['N', 3, 1, 1]],
  ["F.interpolate(x, scale_factor=2, mode='nearest')", ['N', 3, 16, 16]],
  ['F.linear(t, torch.randn(10, 64))', ['B', 'T', 10]],
  ['F.embedding(ids, torch.randn(100, 32))', ['B', 'T', 32]],
  ['torch.zeros(2, 3)', [2, 3]],
  ['torch.arange(T)', ['T'], 'B, T, D = t.shape'],
  ['torch.randn(t.size(0), 5)', ['B', 5]],
  ['t.new_zeros(t.shape[0], 7)', ['B', 7]],
  ['torch.zeros_like(x)', ['N', 3, 8, 8]],
  ['x.contiguous().float()', ['N', 3, 8, 8]],
  ['F.scaled_dot_product_attention(t, t, t)', ['B', 'T', 64]],
  ['torch.where(t > 0, t, torch.zeros(1))', ['B', 'T', 64]],
  ['ids.long()', ['B', 'T']],
];

describe('python tensor op rules', () => {
  for (const [expr, want, setup] of cases) {
    it(expr, () => assert.deepEqual(shapeOf(expr, setup), want));
  }

  it('x.size(-1) and len() give symbolic integers usable as sizes', () => {
    assert.deepEqual(shapeOf('torch.zeros(len(t), t.size(-1))'), ['B', 64]);
  });
});
