// Receptive-field maths against fields measured by gradient in PyTorch
// (test/fixtures/torch/receptive_fields.json, written by receptiveFields.py), the published
// torchvision values, and the tutorial's WaveNet context sizes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RESNET_STRIDE_NOTE,
  causalContext,
  composeField,
  describeCausalContext,
  describeField,
  fieldOfStack,
  identityField,
  mergeFields,
} from '../../src/analysis/receptiveField';
import type { Geometry, ReceptiveField } from '../../src/analysis/types';

interface MeasuredStack {
  name: string;
  transposed: boolean;
  geometries: Geometry[];
  measured: ReceptiveField;
}

const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'torch', 'receptive_fields.json'), 'utf8')) as {
  stacks: MeasuredStack[];
};

function stack(name: string): MeasuredStack {
  const found = fixture.stacks.find((s) => s.name === name);
  assert.ok(found, `fixture has ${name}`);
  return found;
}

function conv(kernel: number, stride = 1, padding = 0, dilation = 1): Geometry {
  return { kind: 'conv', kernel: [kernel], stride: [stride], padding: [padding], dilation: [dilation] };
}

function causal(kernel: number, dilation: number): Geometry {
  return { ...conv(kernel, 1, dilation * (kernel - 1), dilation), causal: true };
}

describe('receptive fields against PyTorch gradients', () => {
  for (const s of fixture.stacks) {
    it(`matches the measured field: ${s.name}`, () => {
      const field = fieldOfStack(s.geometries);
      assert.deepEqual(field.size, s.measured.size, 'size');
      assert.deepEqual(field.stride, s.measured.stride, 'stride');
      assert.deepEqual(field.padding, s.measured.padding, 'padding');
    });
  }

  it('pins torchvision’s published values: VGG16 212/32/90, AlexNet 195/32/66, ResNet-50 layer4 427/32/213', () => {
    const expect = (name: string, size: number, stride: number, padding: number) => {
      const f = fieldOfStack(stack(name).geometries);
      assert.deepEqual([f.size, f.stride, f.padding], [[size, size], [stride, stride], [padding, padding]], name);
    };
    expect('torchvision vgg16 features', 212, 32, 90);
    expect('torchvision alexnet features', 195, 32, 66);
    expect('torchvision resnet50 up to layer4', 427, 32, 213);
    assert.match(RESNET_STRIDE_NOTE, /427/);
    assert.match(RESNET_STRIDE_NOTE, /483/);
  });
});

describe('causal context of dilated stacks', () => {
  it('is 8 for kernel 2 with dilations 1, 2, 4', () => {
    assert.equal(causalContext([1, 2, 4].map((d) => causal(2, d))), 8);
  });

  it('is 15 (16 − 1) for two such blocks', () => {
    assert.equal(causalContext([1, 2, 4, 1, 2, 4].map((d) => causal(2, d))), 15);
  });

  it('is 1,024 per block for dilations 1 … 512', () => {
    const block = Array.from({ length: 10 }, (_, i) => causal(2, 2 ** i));
    assert.equal(causalContext(block), 1024);
    assert.equal(causalContext([...block, ...block]), 2047);
    assert.equal(describeCausalContext(1024, 16000), 'Each output depends on the last 1,024 input samples (64 ms at 16 kHz).');
  });

  it('is 1 for an empty stack', () => {
    assert.equal(causalContext([]), 1);
  });
});

describe('composing and merging fields', () => {
  it('composes one layer at a time like fieldOfStack', () => {
    const layers = [conv(7, 2, 3), { ...conv(3, 2, 1), kind: 'pool' as const }, conv(3, 1, 1)];
    let field = identityField(1);
    for (const g of layers) field = composeField(field, g);
    assert.deepEqual(field, fieldOfStack(layers));
    assert.deepEqual(field, { size: [19], stride: [4], padding: [9] });
  });

  it('leaves axes beyond a geometry’s rank unchanged', () => {
    const field = composeField(identityField(2), conv(3, 2, 1));
    assert.deepEqual(field, { size: [3, 1], stride: [2, 1], padding: [1, 0] });
  });

  it('takes the larger branch of a residual and keeps aligned branches unflagged', () => {
    const input: ReceptiveField = { size: [35], stride: [4], padding: [17] };
    // torchvision's downsampling bottleneck: 1×1, 3×3 stride 2, 1×1 against a 1×1 stride-2 shortcut.
    const main = fieldOfStack([conv(1), conv(3, 2, 1), conv(1)]);
    const shortcut = fieldOfStack([conv(1, 2, 0)]);
    const merged = mergeFields(compose(input, main), compose(input, shortcut));
    assert.deepEqual(merged, { size: [43], stride: [8], padding: [21] });
  });

  it('flags branches whose centres differ', () => {
    const a = fieldOfStack([conv(2, 2, 0)]);
    const b = fieldOfStack([conv(1, 2, 0)]);
    const merged = mergeFields(a, b);
    assert.equal(merged.misaligned, true);
    assert.deepEqual(merged.size, [2]);
    assert.match(describeField(merged), /not centred alike/);
  });

  it('treats a causal residual (same newest sample) as aligned', () => {
    const skip = identityField(1);
    const dilated = fieldOfStack([causal(2, 1), causal(2, 2)]);
    assert.equal(mergeFields(skip, dilated).misaligned, undefined);
    assert.deepEqual(mergeFields(skip, dilated).size, [4]);
  });

  it('describes a field for hovers', () => {
    assert.equal(
      describeField({ size: [212, 212], stride: [32, 32], padding: [90, 90] }),
      'Each output unit sees a 212×212 input window; effective stride 32, effective padding 90.',
    );
    assert.equal(
      describeField({ size: [1024], stride: [1], padding: [1023] }, { sampleRate: 16000 }),
      'Each output sees 1,024 input samples (64 ms at 16 kHz); effective stride 1, effective padding 1,023.',
    );
  });
});

/** A field expressed relative to a block's input, carried into the network's input coordinates. */
function compose(outer: ReceptiveField, inner: ReceptiveField): ReceptiveField {
  return {
    size: outer.size.map((r, i) => r + (inner.size[i] - 1) * outer.stride[i]),
    stride: outer.stride.map((j, i) => j * inner.stride[i]),
    padding: outer.padding.map((p, i) => p + inner.padding[i] * outer.stride[i]),
  };
}
