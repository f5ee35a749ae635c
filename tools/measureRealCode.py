"""Truth for issue 15: real PyTorch model files from public repositories, run by PyTorch 1.13.

Run (needs Debian's python3-torch and python3-torchvision):

    /usr/bin/python3 tools/measureRealCode.py                      # every case of the manifest
    /usr/bin/python3 tools/measureRealCode.py --corpus /work/corpus --cases bert,crnn

The manifest, tools/realCode/torchCorpus.json, names per case the repository, its commit, the
model file, a model expression evaluated in that file's namespace and the forward inputs. The
repositories themselves are never committed: they are read from a local folder (--corpus, else
$LAYER_LENS_CORPUS, else /work/corpus) holding one folder per repository named owner+name, a
checkout of the manifest's commit (or only its .py files), e.g. for each repository:
`git clone https://github.com/OWNER/NAME CORPUS/OWNER+NAME && git -C CORPUS/OWNER+NAME checkout COMMIT`.

For every case: the model file is imported as Python would from the repository's root (its
dotted path from the root, with the root and the file's folder on sys.path, so package-relative
and script-style imports both resolve), the expression is evaluated under torch.manual_seed(0),
the model is put in eval() mode and run once under no_grad on random inputs (long inputs drawn
from [0, high)); an input marked `keyword` is passed by name. generateExamples.CallRecorder records the first call of every module of
named_modules(). test/fixtures/realCode/torch/<case id>.json receives, in the examples'
fixture schema (test/fixtures/torch/generateExamples.py documents it): per path the type, own
and total parameter counts (a shared parameter counted once, as PyTorch does) and the input and
output shapes; the model's total; and the PyTorch error, if its forward raised. A case whose
model cannot be built or imported is reported and gets no fixture.

A manifest case may carry `cut`: {"from_line": N, "why": ...}, for files whose module level runs
a training script (argparse, datasets). Lines from N on are dropped into a copy next to the
original in the corpus folder (<name>_cut.py), and both PyTorch and the CLI read that copy.
Model code is never cut.
"""
import argparse
import importlib
import importlib.util
import json
import os
import sys
import traceback

import torch

# Importing the helper scripts must not leave __pycache__ folders in the repository.
sys.dont_write_bytecode = True

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MANIFEST = os.path.join(ROOT, "tools", "realCode", "torchCorpus.json")
OUT = os.path.join(ROOT, "test", "fixtures", "realCode", "torch")

_spec = importlib.util.spec_from_file_location(
    "generateExamples", os.path.join(ROOT, "test", "fixtures", "torch", "generateExamples.py"))
_generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generator)
dump = _generator.dump
CallRecorder = _generator.CallRecorder
encode = _generator.encode


def repo_folder(corpus, repo):
    return os.path.join(corpus, repo.replace("/", "+"))


def case_file(corpus, case):
    """The model file the case measures: the original, or its cut copy (written here)."""
    folder = repo_folder(corpus, case["repo"])
    path = os.path.join(folder, case["path"])
    cut = case.get("cut")
    if not cut:
        return path
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    target = path[:-3] + "_cut.py"
    with open(target, "w", encoding="utf-8") as handle:
        handle.writelines(lines[: cut["from_line"] - 1])
    return target


def cli_inputs(case):
    """The inputs in the CLI's --input syntax, forward() order."""
    return [f"{i['name']}=({','.join(str(d) for d in i['shape'])}{',' if len(i['shape']) == 1 else ''})"
            + (":long" if i["dtype"] == "long" else "") for i in case["inputs"]]


def make_inputs(case):
    tensors = []
    for spec in case["inputs"]:
        if spec["dtype"] == "long":
            tensors.append(torch.randint(0, spec["high"], spec["shape"]))
        else:
            tensors.append(torch.randn(*spec["shape"]))
    return tensors


def import_case(folder, file):
    """Imports `file` by its dotted path from the repository root, as `python -m` would."""
    relative = os.path.relpath(file, folder)[:-3]
    name = relative.replace(os.sep, ".")
    sys.path[:0] = [folder, os.path.dirname(file)]
    return importlib.import_module(name)


# Modules imported before the first case; the repository's own are dropped when the next case
# comes from another repository (names such as `models` or `utils` recur), but kept within one:
# generated protobuf modules cannot be imported twice in one process.
_BASELINE = set(sys.modules)
_current_repo = [None]


def measure(corpus, case):
    folder = repo_folder(corpus, case["repo"])
    file = case_file(corpus, case)
    if _current_repo[0] != case["repo"]:
        for name in set(sys.modules) - _BASELINE:
            del sys.modules[name]
        _current_repo[0] = case["repo"]
    saved_path = list(sys.path)
    try:
        module = import_case(folder, file)
        torch.manual_seed(0)
        model = eval(case["model"], vars(module))  # noqa: S307 - the manifest's own expressions.
        model.eval()
        tensors = make_inputs(case)
        findings = []
        with CallRecorder(model) as recorder:
            try:
                with torch.no_grad():
                    model(*[t for t, spec in zip(tensors, case["inputs"]) if not spec.get("keyword")],
                          **{spec["name"]: t for t, spec in zip(tensors, case["inputs"]) if spec.get("keyword")})
            except Exception as exc:  # Recorded: PyTorch gives no truth past this point.
                findings.append({"severity": "error", "line": None,
                                 "message": f"{type(exc).__name__}: {str(exc).strip()}"})
        modules = []
        for path, submodule in model.named_modules():
            record = recorder.records.get(path, {"input_shapes": None, "output_shapes": None})
            modules.append({
                "path": path, "type": type(submodule).__name__, "line": None,
                "params_own": sum(p.numel() for p in submodule.parameters(recurse=False)),
                "params_total": sum(p.numel() for p in submodule.parameters()),
                "input_shapes": record["input_shapes"], "output_shapes": record["output_shapes"],
                "notation": None,
            })
        return {
            "file": f"{case['repo']}/{os.path.relpath(file, folder)}", "repo": case["repo"],
            "commit": case["commit"], "model": case["model"], "inputs": cli_inputs(case),
            "modules": modules, "total_params": sum(p.numel() for p in model.parameters()),
            "findings": findings,
        }, None
    except Exception as exc:  # The case itself is broken (imports, expression): no truth.
        return None, "".join(traceback.format_exception_only(type(exc), exc)).strip()
    finally:
        sys.path[:] = saved_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.environ.get("LAYER_LENS_CORPUS", "/work/corpus"))
    parser.add_argument("--cases", help="comma-separated case ids (default: all)")
    args = parser.parse_args()
    with open(MANIFEST, encoding="utf-8") as handle:
        cases = json.load(handle)["cases"]
    wanted = set(args.cases.split(",")) if args.cases else None
    os.makedirs(OUT, exist_ok=True)
    broken = 0
    for case in cases:
        if wanted and case["id"] not in wanted:
            continue
        fixture, error = measure(args.corpus, case)
        if error:
            broken += 1
            print(f"{case['id']:36} BROKEN CASE: {error.splitlines()[-1][:200]}", flush=True)
            continue
        with open(os.path.join(OUT, case["id"] + ".json"), "w", encoding="utf-8") as handle:
            handle.write(dump(fixture) + "\n")
        raised = fixture["findings"][0]["message"][:120] if fixture["findings"] else ""
        print(f"{case['id']:36} {len(fixture['modules']):4} modules {fixture['total_params']:>10,} params"
              + (f"  FORWARD RAISED: {raised}" if raised else ""), flush=True)
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
