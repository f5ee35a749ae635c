"""The forward-hooks way of getting a model's shapes (what torchinfo does): import the model,
build it, register a hook on every module, run one forward pass on a dummy input, print a table.
bench/torchBaseline.ts times this process from start to exit, side by side with our CLI.

    /usr/bin/python3 bench/torchHooks.py examples/wavenet.py "wavenet()" "x=(2,256,100)"
    /usr/bin/python3 bench/torchHooks.py torchvision "resnet50()" "x=(1,3,224,224)"

Needs Debian's python3-torch (and python3-torchvision for the second form).
"""
import importlib.util
import re
import sys
import time

started = time.perf_counter()
import torch  # noqa: E402  (the import is part of what the method costs, so it is timed)

source, expression, *inputs = sys.argv[1:]
if source == "torchvision":
    import torchvision.models as namespace
else:
    spec = importlib.util.spec_from_file_location("model_file", source)
    namespace = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(namespace)

model = eval(expression, vars(namespace))  # the expression is ours (a constructor call), not user input
model.eval()

arguments = []
for spec_text in inputs:
    shape_text = re.sub(r"^\w+=", "", spec_text)
    dtype = "long" if shape_text.endswith(":long") else "float"
    dims = [int(d) for d in re.findall(r"-?\d+", shape_text.split(":")[0])]
    arguments.append(torch.randint(0, 10, dims) if dtype == "long" else torch.randn(*dims))

rows = []


def hook(name):
    def record(module, args, output):
        first = output[0] if isinstance(output, (tuple, list)) else output
        shape = list(first.shape) if isinstance(first, torch.Tensor) else None
        own = sum(p.numel() for p in module.parameters(recurse=False))
        rows.append((name or "(model)", type(module).__name__, shape, own))
    return record


handles = [m.register_forward_hook(hook(name)) for name, m in model.named_modules()]
with torch.no_grad():
    model(*arguments)
for h in handles:
    h.remove()

print(f"{'module':40} {'type':24} {'output shape':24} {'params':>12}")
for name, kind, shape, own in rows:
    print(f"{name:40.40} {kind:24.24} {str(shape):24.24} {own:12,}")
print(f"total params {sum(p.numel() for p in model.parameters()):,}; {len(rows)} calls; "
      f"in-process {1000 * (time.perf_counter() - started):.0f} ms")
