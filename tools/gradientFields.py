"""Receptive fields measured by gradient in real PyTorch: the yardstick for Layer Lens's geometry.

Used by test/fixtures/torch/generateExamples.py and tools/measureTorchvision.py (both run with
/usr/bin/python3, which has Debian's python3-torch; CI never runs this file).

Method, for one module M whose first output tensor has the layout (N, C, *spatial):

1. Make every path through the network positive and linear enough that no gradient vanishes:
   a fresh copy of the model in float64 and eval() mode (dropout off, batch norm uses its
   running statistics), every convolution weight set to 0.5 / fan_in (fan_in = weight[0].numel())
   and every bias to 0, batch norm set to mean 0, variance 1, weight 1, bias 0; the input is all
   ones. Max-pools become average pools with the same kernel, stride, padding and ceil_mode
   (torch.nn.functional.max_pool1d/2d/3d are patched while measuring, which covers nn.MaxPool*
   and functional calls alike), because a max-pool's gradient reaches only the arg-max.
2. Modules that are not local in space are tainted: the output of every leaf module that is not a
   convolution, pooling with a fixed window, batch norm, dropout, activation (other than softmax),
   padding or identity, and of every RNN, MultiheadAttention and Transformer layer, is replaced
   by NaN in a forward hook. A module whose output contains NaN is downstream of such a module and
   gets no field (null): fields are meaningful only on a convolutional path from the input.
3. For the unit at the centre c = size // 2 of every spatial axis (all channels summed, batch
   item 0), backprop to the input and take, per axis, the first and last input index with a
   non-zero gradient: size = last - first + 1 (the extent, holes of dilation included).
4. Move the unit by one along each axis and backprop again: stride = the shift of the first index.
5. padding = c * stride - first (the offset of unit 0's field: it starts at input index -padding).
6. If the field of the centre touches either border of the input, it may be clipped: the input's
   spatial sizes are doubled and everything is measured again, up to a cap. A field that still
   touches a border at the cap (a global operation that is not a module, e.g. x.mean(dim=2)) is
   reported as null, as are outputs of rank < 3 and outputs that do not depend on the input.

This is the definition of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional
Neural Networks" (Distill, 2019): size r, effective stride S and effective padding P such that
output unit i sees input indices [i*S - P, i*S - P + r - 1].
"""
import copy

import torch
from torch import nn
import torch.nn.functional as F

LOCAL_TYPES = (
    nn.modules.conv._ConvNd,
    nn.modules.pooling._MaxPoolNd,
    nn.modules.pooling._AvgPoolNd,
    nn.modules.pooling._LPPoolNd,
    nn.modules.batchnorm._BatchNorm,
    nn.modules.dropout._DropoutNd,
    nn.modules.padding._ConstantPadNd,
    nn.modules.padding._ReflectionPadNd,
    nn.modules.padding._ReplicationPadNd,
    nn.Identity,
    nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.RReLU, nn.ELU, nn.CELU, nn.SELU, nn.GELU,
    nn.SiLU, nn.Mish, nn.Hardswish, nn.Hardsigmoid, nn.Hardtanh, nn.Sigmoid, nn.Tanh,
    nn.Softplus, nn.Softsign, nn.LogSigmoid, nn.Threshold, nn.Tanhshrink,
)
# Composite modules whose forward does not go through their children as modules.
NON_LOCAL_COMPOSITES = (
    nn.RNNBase, nn.RNNCellBase, nn.MultiheadAttention, nn.Transformer,
    nn.TransformerEncoder, nn.TransformerDecoder,
    nn.TransformerEncoderLayer, nn.TransformerDecoderLayer,
)


def first_tensor(value):
    """The first tensor of a (nested) tuple/list output, depth first, or None."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        for item in value:
            found = first_tensor(item)
            if found is not None:
                return found
    return None


def nan_like(value):
    """The same structure with every floating tensor filled with NaN."""
    if isinstance(value, torch.Tensor):
        return torch.full_like(value, float("nan")) if value.is_floating_point() else value
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[nan_like(v) for v in value])
    if isinstance(value, (tuple, list)):
        return type(value)(nan_like(v) for v in value)
    return value


def is_tainting(module):
    if isinstance(module, NON_LOCAL_COMPOSITES):
        return True
    if isinstance(module, LOCAL_TYPES):
        return False
    return len(list(module.children())) == 0


def make_positive(model):
    """Float64, eval mode, positive conv weights, zero biases, identity batch norms."""
    model = copy.deepcopy(model).double().eval()
    # Only the input's gradient is needed; frozen weights make the backward passes cheaper.
    model.requires_grad_(False)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.conv._ConvNd):
                module.weight.fill_(0.5 / module.weight[0].numel())
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                if module.running_mean is not None:
                    module.running_mean.zero_()
                    module.running_var.fill_(1.0)
                if module.weight is not None:
                    module.weight.fill_(1.0)
                    module.bias.zero_()
    return model


class _AveragePoolsForMaxPools:
    """Context manager: F.max_poolNd behaves as F.avg_poolNd with the same window."""

    def __enter__(self):
        self.saved = {name: getattr(F, name) for name in ("max_pool1d", "max_pool2d", "max_pool3d")}
        averages = {"max_pool1d": F.avg_pool1d, "max_pool2d": F.avg_pool2d, "max_pool3d": F.avg_pool3d}

        def replacement(average):
            def pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                     return_indices=False):
                if dilation not in (1, (1,), (1, 1), (1, 1, 1)) or return_indices:
                    raise NotImplementedError("dilated or index-returning max-pool")
                return average(input, kernel_size, stride, padding, ceil_mode, True)
            return pool

        for name, average in averages.items():
            setattr(F, name, replacement(average))
        return self

    def __exit__(self, *exc):
        for name, function in self.saved.items():
            setattr(F, name, function)
        return False


def _run_recording(model, inputs, wanted):
    """Forward pass recording the first output of every module in `wanted` (path -> module)."""
    outputs = {}
    handles = []
    for path, module in model.named_modules():
        def hook(mod, args, out, path=path):
            replaced = nan_like(out) if is_tainting(mod) else None
            if path in wanted and path not in outputs:
                outputs[path] = first_tensor(replaced if replaced is not None else out)
            return replaced
        handles.append(module.register_forward_hook(hook))
    try:
        with _AveragePoolsForMaxPools():
            try:
                model(*inputs)
            except Exception:  # A broken model: fields up to the failure are still measured.
                pass
    finally:
        for handle in handles:
            handle.remove()
    return outputs


def _field_extent(unit_value, x):
    grad, = torch.autograd.grad(unit_value, x, retain_graph=True, allow_unused=True)
    if grad is None:
        return None
    mask = grad.abs().sum(dim=(0, 1)) != 0
    if not bool(mask.any()):
        return None
    extents = []
    for axis in range(mask.dim()):
        # Project the mask onto this axis (torch 1.13's any() takes one dim at a time).
        hit = mask.movedim(axis, 0).reshape(mask.shape[axis], -1).any(dim=1)
        indices = hit.nonzero().flatten()
        extents.append((int(indices.min()), int(indices.max())))
    return extents


def _measure_once(model, input_index, inputs, wanted):
    x = inputs[input_index]
    outputs = _run_recording(model, inputs, wanted)
    spatial = list(x.shape[2:])
    results = {}
    for path in wanted:
        out = outputs.get(path)
        if out is None or out.dim() < 3 or not out.requires_grad or out.dim() - 2 != len(spatial):
            results[path] = None
            continue
        if torch.isnan(out).any():
            results[path] = None
            continue
        centre = [size // 2 for size in out.shape[2:]]
        base = _field_extent(out[(0, slice(None), *centre)].sum(), x)
        if base is None:
            results[path] = None
            continue
        size, stride, padding, clipped = [], [], [], False
        for axis, (first, last) in enumerate(base):
            if first == 0 or last == spatial[axis] - 1 or centre[axis] + 1 >= out.shape[2 + axis]:
                clipped = True
                break
            moved = list(centre)
            moved[axis] += 1
            shifted = _field_extent(out[(0, slice(None), *moved)].sum(), x)
            axis_stride = shifted[axis][0] - first
            size.append(last - first + 1)
            stride.append(axis_stride)
            padding.append(centre[axis] * axis_stride - first)
        results[path] = "clipped" if clipped else {"size": size, "stride": stride, "padding": padding}
    return results


def measure_receptive_fields(model, input_shapes, input_index=0, paths=None, start=None, cap=None):
    """Receptive field {size, stride, padding} (or None) of each module path, by gradient.

    `input_shapes` are the shapes of all forward inputs (all float, all ones); the field is taken
    with respect to input number `input_index`, whose spatial axes (dims 2:) are set to `start`
    (default: their given sizes) and doubled while some field is clipped, until `cap` elements
    per axis (default 16 x start).
    """
    positive = make_positive(model)
    if paths is None:
        paths = [path for path, _ in positive.named_modules()]
    shapes = [list(shape) for shape in input_shapes]
    spatial = list(shapes[input_index][2:]) if start is None else list(start)
    cap = cap if cap is not None else [16 * s for s in spatial]
    pending = list(paths)
    fields = {}
    while pending:
        shapes[input_index] = shapes[input_index][:2] + spatial
        inputs = [torch.ones(*shape, dtype=torch.float64) for shape in shapes]
        inputs[input_index].requires_grad_(True)
        results = _measure_once(positive, input_index, inputs, set(pending))
        still_clipped = []
        for path in pending:
            if results[path] == "clipped":
                still_clipped.append(path)
            else:
                fields[path] = results[path]
        if not still_clipped:
            break
        spatial = [2 * s for s in spatial]
        if any(s > c for s, c in zip(spatial, cap)):
            for path in still_clipped:
                fields[path] = None
            break
        pending = still_clipped
    return {path: fields.get(path) for path in paths}


def field_formula_check():
    """A self-test on a stack whose field is known by hand: 3x3 conv, 2x2 pool, 3x3 dilated 2."""
    stack = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(2, 2, 3, padding=2, dilation=2)
    )
    fields = measure_receptive_fields(stack, [(1, 1, 32, 32)])
    # conv: 3/1/1; pool: 4/2/1; dilated conv (kernel 5 effective, stride 2): 4 + 4*2 = 12 / 2 / 5.
    assert fields["0"] == {"size": [3, 3], "stride": [1, 1], "padding": [1, 1]}, fields["0"]
    assert fields["1"] == {"size": [4, 4], "stride": [2, 2], "padding": [1, 1]}, fields["1"]
    assert fields["2"] == {"size": [12, 12], "stride": [2, 2], "padding": [5, 5]}, fields["2"]
    return fields


if __name__ == "__main__":
    print(field_formula_check())
