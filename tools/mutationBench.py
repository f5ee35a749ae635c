"""Shape bugs the way they happen, and whether Layer Lens finds and repairs them (issue 18).

Run (needs Debian's python3-torch, a built CLI: `npm run build`, and the real-code corpus):

    /usr/bin/python3 tools/mutationBench.py                       # every case; rewrites docs/repairs.md
    /usr/bin/python3 tools/mutationBench.py --cases bert_model --per-case 4 --no-write --details /tmp/m.json

The model files are the real-code corpus of issue 15: the manifest (tools/realCode/torchCorpus.json,
or --manifest) names per case a repository, the model file, a model expression and the forward
inputs; the repositories are read from --corpus (default $LAYER_LENS_CORPUS, else /work/corpus), one
folder per repository named owner+name. Nothing of them is committed.

For every case:

1. The original runs under PyTorch 1.13 (in a forked child of this process: torch is imported
   once), under torch.manual_seed(0), in eval() mode and no_grad, while a line tracer records the
   lines of the model file that ran. A case whose original fails is left out (reported).
2. Single-site mutants are drawn with a fixed seed (--seed) from the sites on lines that ran, one
   kind at a time in turn: a layer size (an integer literal in a size argument of an nn layer:
   in_features, out_channels, num_features, embed_dim, ...: +1, doubled or halved), a dim (an
   integer in the dim argument of softmax, cat, transpose, permute, flatten, unsqueeze, sum, ...:
   one more or one less), a view number (an integer literal in the sizes of view/reshape: +1 or
   doubled) and a forgotten transpose (`a.transpose(i, j)` or `a.permute(...)` replaced by `a`).
3. Truth for each mutant from PyTorch: does it run (and with which output shape), or where does it
   raise: the exception and the innermost line of the model file in the traceback. A shape error is
   a RuntimeError, ValueError, IndexError or AssertionError (what PyTorch raises on sizes, what
   unpacking raises, and the models' own shape asserts); others (TypeError, ...) are counted apart.
4. Layer Lens: `node dist/cli/layerLens.js summary <mutant> --model EXPR --input ... --json`, run
   from the repository's folder on a copy of the repository (so imports resolve as Python's do).
   The CLI keeps the editor's wall-clock deadline (2 s); an analysis it stopped there is run again,
   up to twice, since on a loaded machine the deadline measures the load, not the engine; mutants
   still stopped are counted in the report.
   Flagged: the mutant has an error finding on a line where the original has none. Right line: one
   of those errors is on the line PyTorch raised at.
5. Repair: the first new error's preferred fix (LSP TextEdits of the JSON) is applied to the
   mutant and PyTorch runs it again: repaired when it runs and gives the original's output shape.
   Every fix offered on a mutant that runs is applied as well: it must not break the file.

Prints the totals and, unless --no-write, rewrites docs/repairs.md between its markers.
"""
import argparse
import ast
import datetime
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import traceback

import torch

sys.dont_write_bytecode = True
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
START = "<!-- mutationBench:start -->"
END = "<!-- mutationBench:end -->"

LAYER_SIZE_ARGS = {
    # layer: (positional indices that are sizes, keyword names that are sizes)
    "Linear": ((0, 1), ("in_features", "out_features")),
    "Conv1d": ((0, 1), ("in_channels", "out_channels")),
    "Conv2d": ((0, 1), ("in_channels", "out_channels")),
    "Conv3d": ((0, 1), ("in_channels", "out_channels")),
    "ConvTranspose1d": ((0, 1), ("in_channels", "out_channels")),
    "ConvTranspose2d": ((0, 1), ("in_channels", "out_channels")),
    "ConvTranspose3d": ((0, 1), ("in_channels", "out_channels")),
    "BatchNorm1d": ((0,), ("num_features",)),
    "BatchNorm2d": ((0,), ("num_features",)),
    "BatchNorm3d": ((0,), ("num_features",)),
    "InstanceNorm1d": ((0,), ("num_features",)),
    "InstanceNorm2d": ((0,), ("num_features",)),
    "GroupNorm": ((1,), ("num_channels",)),
    "LayerNorm": ((0,), ("normalized_shape",)),
    "LSTM": ((0, 1), ("input_size", "hidden_size")),
    "GRU": ((0, 1), ("input_size", "hidden_size")),
    "RNN": ((0, 1), ("input_size", "hidden_size")),
    "LSTMCell": ((0, 1), ("input_size", "hidden_size")),
    "GRUCell": ((0, 1), ("input_size", "hidden_size")),
    "MultiheadAttention": ((0,), ("embed_dim",)),
    "Embedding": ((1,), ("embedding_dim",)),
}
# Method or function: (positional index of the dim among the arguments after the tensor, keyword).
DIM_CALLS = {
    "softmax": (0, "dim"), "log_softmax": (0, "dim"), "cat": (1, "dim"), "stack": (1, "dim"),
    "transpose": (None, None), "permute": (None, None), "flatten": (0, "start_dim"),
    "unsqueeze": (0, "dim"), "squeeze": (0, "dim"), "sum": (0, "dim"), "mean": (0, "dim"),
    "max": (0, "dim"), "argmax": (0, "dim"), "chunk": (1, "dim"), "split": (1, "dim"),
}
VIEW_CALLS = {"view", "reshape"}
TRANSPOSE_CALLS = {"transpose", "permute"}
SHAPE_ERRORS = ("RuntimeError", "ValueError", "IndexError", "AssertionError")
KINDS = ("layer size", "dim", "view number", "forgotten transpose")


# ------------------------------------------------------------------ running a model file


def make_inputs(case):
    tensors = []
    for spec in case["inputs"]:
        if spec["dtype"] == "long":
            tensors.append(torch.randint(0, spec.get("high", 2), spec["shape"]))
        else:
            tensors.append(torch.randn(*spec["shape"]))
    return tensors


def cli_inputs(case):
    return [f"{i['name']}=({','.join(str(d) for d in i['shape'])}{',' if len(i['shape']) == 1 else ''})"
            + (":long" if i["dtype"] == "long" else "") for i in case["inputs"]]


def shape_of(value):
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, (tuple, list)):
        return [shape_of(v) for v in value]
    return None


def run_child(folder, file, case, trace):
    """In a forked child: import the file as `python -m` would, build, run; returns a JSON-able result."""
    import importlib
    relative = os.path.relpath(file, folder)[:-3]
    name = relative.replace(os.sep, ".")
    sys.path[:0] = [folder, os.path.dirname(file)]
    lines = set()
    real = os.path.realpath(file)

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == real or os.path.realpath(frame.f_code.co_filename) == real:
            if event == "line":
                lines.add(frame.f_lineno)
            return tracer
        return None

    try:
        torch.set_num_threads(1)
        if trace:
            sys.settrace(tracer)
        module = importlib.import_module(name)
        torch.manual_seed(0)
        model = eval(case["model"], vars(module))  # noqa: S307 - the manifest's own expressions.
        model.eval()
        tensors = make_inputs(case)
        with torch.no_grad():
            output = model(*[t for t, s in zip(tensors, case["inputs"]) if not s.get("keyword")],
                           **{s["name"]: t for t, s in zip(tensors, case["inputs"]) if s.get("keyword")})
        sys.settrace(None)
        return {"ok": True, "shape": shape_of(output), "lines": sorted(lines)}
    except BaseException as exc:  # noqa: BLE001 - every failure is the measurement.
        sys.settrace(None)
        line = None
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.realpath(frame.filename) == real:
                line = frame.lineno
        return {"ok": False, "error": type(exc).__name__, "message": str(exc).strip().split("\n")[0][:300],
                "line": line, "lines": sorted(lines)}


def run_pytorch(folder, file, case, trace=False, timeout=120):
    """Runs a model file in a forked child (torch already imported here); the child's result or a failure."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            # A mutated dim can broadcast into a tensor of many gigabytes: the child gets 4 GB.
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            result = run_child(folder, file, case, trace)
        except BaseException as exc:  # noqa: BLE001
            result = {"ok": False, "error": type(exc).__name__, "message": str(exc)[:300], "line": None, "lines": []}
        with os.fdopen(write, "w") as out:
            json.dump(result, out)
        os._exit(0)
    os.close(write)
    import signal
    import time
    chunks = []
    deadline = time.time() + timeout
    with os.fdopen(read) as inp:
        import select
        while True:
            left = deadline - time.time()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([inp], [], [], left)
            if not ready:
                continue
            data = inp.read()
            chunks.append(data)
            break
    os.waitpid(pid, 0)
    try:
        return json.loads("".join(chunks))
    except ValueError:
        return {"ok": False, "error": "Timeout", "message": "no result", "line": None, "lines": []}


def stopped(report):
    """True when the CLI's analysis hit its wall-clock deadline (the editor's 2 s) rather than finishing."""
    return any("stopped the analysis after" in f.get("message", "") for f in (report or {}).get("findings", []))


def run_cli(args, folder, file, case):
    """The CLI's JSON report. An analysis stopped by its wall-clock deadline says nothing about the
    engine, only about the machine's load at that moment: it is run again, up to twice."""
    command = ["node", args.cli, "summary", file, "--model", case["model"], *[x for i in cli_inputs(case) for x in ("--input", i)], "--json"]
    report = None
    for _ in range(3):
        try:
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=args.timeout)
            report = json.loads(done.stdout)
        except (subprocess.TimeoutExpired, ValueError):
            return None
        if not stopped(report):
            break
    return report


# ------------------------------------------------------------------ mutants


def offsets_of(text):
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def node_span(text, starts, node):
    """Character offsets of an AST node (its col offsets are UTF-8 bytes within the line)."""
    def at(line, col):
        line_text = text[starts[line - 1]:]
        return starts[line - 1] + len(line_text.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
    return at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)


def call_name(node):
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return None


def int_constants(node):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and type(sub.value) is int:
            yield sub


def signed_int(node):
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    return None


def mutation_sites(text):
    """Every site of every kind: (kind, line, from, to, replacement text, description)."""
    tree = ast.parse(text)
    starts = offsets_of(text)
    sites = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        is_method = isinstance(node.func, ast.Attribute)
        if name in LAYER_SIZE_ARGS:
            positions, keywords = LAYER_SIZE_ARGS[name]
            chosen = [a for i, a in enumerate(node.args) if i in positions] + [k.value for k in node.keywords if k.arg in keywords]
            for arg in chosen:
                if not list(int_constants(arg)) and not isinstance(arg, (ast.Tuple, ast.List, ast.Starred)):
                    # A size written as a name or an expression: the classic slips are a doubled
                    # size (a concatenation forgotten) and an off-by-one.
                    a, b = node_span(text, starts, arg)
                    written = text[a:b]
                    wrapped = f"({written})" if not isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) else written
                    for new in (f"{wrapped} * 2", f"{wrapped} + 1"):
                        sites.append(("layer size", arg.lineno, a, b, new, f"{name}: {written} → {new}"))
                    continue
                for c in int_constants(arg):
                    if c.value < 1:
                        continue
                    a, b = node_span(text, starts, c)
                    for new in sorted({c.value + 1, c.value * 2, max(1, c.value // 2)} - {c.value}):
                        sites.append(("layer size", c.lineno, a, b, str(new), f"{name}: {c.value} → {new}"))
        if name in DIM_CALLS and name not in ("transpose", "permute"):
            index, keyword = DIM_CALLS[name]
            offset = 0 if is_method and not (isinstance(node.func.value, ast.Name) and node.func.value.id in ("torch", "F")) else 1
            pos = [node.args[index + offset]] if index is not None and len(node.args) > index + offset else []
            pos += [k.value for k in node.keywords if k.arg == keyword]
            for arg in pos:
                d = signed_int(arg)
                if d is None:
                    continue
                a, b = node_span(text, starts, arg)
                for new in (d + 1, d - 1):
                    sites.append(("dim", arg.lineno, a, b, str(new), f"{name}: dim {d} → {new}"))
        if name in ("transpose", "permute"):
            offset = 0 if is_method and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "torch") else 1
            for arg in node.args[offset:]:
                d = signed_int(arg)
                if d is None:
                    continue
                a, b = node_span(text, starts, arg)
                for new in (d + 1, d - 1):
                    sites.append(("dim", arg.lineno, a, b, str(new), f"{name}: dim {d} → {new}"))
        if name in VIEW_CALLS and is_method:
            for arg in node.args:
                for c in int_constants(arg):
                    if c.value < 2:
                        continue
                    a, b = node_span(text, starts, c)
                    for new in (c.value + 1, c.value * 2):
                        sites.append(("view number", c.lineno, a, b, str(new), f"{name}: {c.value} → {new}"))
        if name in TRANSPOSE_CALLS and is_method and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "torch"):
            a, b = node_span(text, starts, node)
            va, vb = node_span(text, starts, node.func.value)
            sites.append(("forgotten transpose", node.lineno, a, b, text[va:vb], f"{name} removed"))
    return sites


def draw_mutants(sites, ran, per_case, rng):
    """Up to per_case mutants on lines that ran, the kinds taken in turn."""
    by_kind = {k: [s for s in sites if s[1] in ran and s[0] == k] for k in KINDS}
    for pool in by_kind.values():
        rng.shuffle(pool)
    chosen = []
    while len(chosen) < per_case and any(by_kind.values()):
        for kind in KINDS:
            if by_kind[kind] and len(chosen) < per_case:
                chosen.append(by_kind[kind].pop())
    return chosen


def apply_site(text, site):
    _, _, a, b, new, _ = site
    return text[:a] + new + text[b:]


def apply_fix(text, fix):
    starts = offsets_of(text)
    edits = []
    for e in fix["edits"]:
        s, t = e["range"]["start"], e["range"]["end"]
        edits.append((starts[s["line"]] + utf16_to_index(text, starts[s["line"]], s["character"]),
                      starts[t["line"]] + utf16_to_index(text, starts[t["line"]], t["character"]), e["newText"]))
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def utf16_to_index(text, start, units):
    i = 0
    while units > 0 and start + i < len(text):
        units -= 2 if ord(text[start + i]) > 0xFFFF else 1
        i += 1
    return i


def errors_of(report):
    return [f for f in (report or {}).get("findings", []) if f["severity"] == "error"]


# ------------------------------------------------------------------ the benchmark


def measure_case(args, case, work):
    folder = os.path.join(args.corpus, case["repo"].replace("/", "+"))
    source = os.path.join(folder, case["path"])
    if not os.path.exists(source):
        return {"id": case["id"], "skipped": "file missing"}
    copy = os.path.join(work, case["repo"].replace("/", "+"))
    if not os.path.exists(copy):
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".git", "*.pt", "*.pth", "*.ckpt", "*.tar", "*.zip", "*.npy", "*.png", "*.jpg"))
    file = os.path.join(copy, case["path"])
    with open(source, encoding="utf-8") as handle:
        original = handle.read()
    truth = run_pytorch(copy, file, case, trace=True, timeout=args.timeout)
    if not truth["ok"]:
        return {"id": case["id"], "skipped": f"original fails: {truth['error']}: {truth['message']}"}
    base_report = run_cli(args, copy, file, case)
    base_errors = errors_of(base_report)
    # An error of the original (a false one: the original runs) is no news on its line in a mutant.
    known = {f["line"] for f in base_errors}
    result = {"id": case["id"], "original_errors": [f"{f['line']}: {f['message']}" for f in base_errors],
              "cli_failed": base_report is None, "mutants": []}
    try:
        sites = mutation_sites(original)
    except SyntaxError:
        result["skipped"] = "not parsed by ast"
        return result
    # One generator per case, seeded by the seed and the case: a subset of cases draws the same mutants.
    rng = random.Random(f"{args.seed}:{case['id']}")
    for site in draw_mutants(sites, set(truth["lines"]), args.per_case, rng):
        text = apply_site(original, site)
        with open(file, "w", encoding="utf-8") as handle:
            handle.write(text)
        t = run_pytorch(copy, file, case, timeout=args.timeout)
        report = run_cli(args, copy, file, case)
        new_errors = [f for f in errors_of(report) if f["line"] not in known]
        entry = {"kind": site[0], "line": site[1], "what": site[5], "runs": t["ok"],
                 "shape_out": t.get("shape"), "error": None if t["ok"] else f"{t['error']}: {t['message']}",
                 "crash_line": t.get("line"), "cli_failed": report is None, "cli_stopped": stopped(report),
                 "flagged": [f"{f['line']}: {f['message']}" for f in new_errors]}
        entry["same_shape"] = t["ok"] and t.get("shape") == truth["shape"]
        # Running out of memory (a broadcast blown up by a wrong dim) is a resource failure, not a shape error PyTorch names.
        entry["shape_error"] = not t["ok"] and t["error"] in SHAPE_ERRORS and not any(w in t["message"] for w in ("alloc", "out of memory"))
        entry["right_line"] = any(f["line"] == t.get("line") for f in new_errors)
        fixable = sorted(new_errors, key=lambda f: (f["line"] != t.get("line"), f["line"]))
        fix = next((f["fixes"][0] for f in fixable if f.get("fixes")), None)
        if fix:
            entry["fix"] = fix["title"]
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(apply_fix(text, fix))
            again = run_pytorch(copy, file, case, timeout=args.timeout)
            entry["fix_runs"] = again["ok"]
            entry["repaired"] = again["ok"] and again.get("shape") == truth["shape"]
            if not again["ok"]:
                entry["fix_error"] = f"{again['error']}: {again['message']} (line {again.get('line')})"
        result["mutants"].append(entry)
        with open(file, "w", encoding="utf-8") as handle:
            handle.write(original)
        print(f"  {case['id']}: {site[0]} line {site[1]} ({site[5]}): "
              f"{'runs' if t['ok'] else entry['error'][:60] + ' @' + str(t.get('line'))}; flagged {len(new_errors)}"
              f"{'; fixed' if entry.get('repaired') else ''}", flush=True)
    return result


def totals(results):
    ms = [m for r in results for m in r.get("mutants", [])]
    shape = [m for m in ms if m["shape_error"]]
    runs = [m for m in ms if m["runs"]]
    other = [m for m in ms if not m["runs"] and not m["shape_error"]]
    flagged = [m for m in shape if m["flagged"]]
    fixed_offered = [m for m in shape if "fix" in m]
    by_kind = {}
    for k in KINDS:
        sk = [m for m in shape if m["kind"] == k]
        by_kind[k] = {"mutants": len([m for m in ms if m["kind"] == k]), "shape_errors": len(sk),
                      "flagged": len([m for m in sk if m["flagged"]]), "right_line": len([m for m in sk if m["right_line"]]),
                      "repaired": len([m for m in sk if m.get("repaired")])}
    return {
        "cases": len([r for r in results if "mutants" in r]),
        "skipped": {r["id"]: r["skipped"] for r in results if "skipped" in r},
        "originals_with_errors": [r["id"] for r in results if r.get("original_errors")],
        "mutants": len(ms), "shape_errors": len(shape), "runs": len(runs), "other_errors": len(other),
        "flagged": len(flagged), "right_line": len([m for m in shape if m["right_line"]]),
        "false_alarms": len([m for m in runs if m["flagged"]]),
        "fix_offered": len(fixed_offered), "repaired": len([m for m in shape if m.get("repaired")]),
        "fixes_on_running": len([m for m in runs if "fix" in m]),
        "fixes_breaking_running": len([m for m in runs if "fix" in m and not m.get("fix_runs")]),
        "cli_stopped": len([m for m in ms if m.get("cli_stopped")]),
        "by_kind": by_kind,
    }


def pct(a, b):
    return f"{100 * a / b:.1f}%" if b else "–"


def markdown(t, args):
    lines = [START, "",
             f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, PyTorch {torch.__version__}, "
             f"seed {args.seed}, up to {args.per_case} mutants per case, {t['cases']} cases of the real-code corpus "
             f"({len(t['skipped'])} left out: their original does not run or their file is missing).", "",
             "| | count | rate |", "|---|---:|---:|",
             f"| mutants | {t['mutants']} | |",
             f"| crash with a shape error (PyTorch) | {t['shape_errors']} | |",
             f"| flagged by Layer Lens (recall) | {t['flagged']} | {pct(t['flagged'], t['shape_errors'])} |",
             f"| flagged at the line PyTorch raised at | {t['right_line']} | {pct(t['right_line'], t['shape_errors'])} |",
             f"| repaired by the preferred fix (runs, original output shape) | {t['repaired']} | {pct(t['repaired'], t['shape_errors'])} |",
             f"| preferred fix offered | {t['fix_offered']} | {pct(t['fix_offered'], t['shape_errors'])} |",
             f"| mutants that run | {t['runs']} | |",
             f"| false alarms on mutants that run | {t['false_alarms']} | {pct(t['false_alarms'], t['runs'])} |",
             f"| fixes offered on mutants that run / that broke them | {t['fixes_on_running']} / {t['fixes_breaking_running']} | |",
             f"| other crashes (TypeError, ...) | {t['other_errors']} | |",
             f"| unmutated originals with an error finding | {len(t['originals_with_errors'])} | of {t['cases']} |",
             f"| mutants whose analysis hit the CLI's 2 s deadline three times (machine load) | {t.get('cli_stopped', 0)} | |",
             "", "| kind | mutants | shape errors | flagged | right line | repaired |", "|---|---:|---:|---:|---:|---:|"]
    for k, v in t["by_kind"].items():
        lines.append(f"| {k} | {v['mutants']} | {v['shape_errors']} | {v['flagged']} | {v['right_line']} | {v['repaired']} |")
    lines += ["", END]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_manifest = os.path.join(ROOT, "tools", "realCode", "torchCorpus.json")
    parser.add_argument("--manifest", default=default_manifest)
    parser.add_argument("--corpus", default=os.environ.get("LAYER_LENS_CORPUS", "/work/corpus"))
    parser.add_argument("--cli", default=os.path.join(ROOT, "dist", "cli", "layerLens.js"))
    parser.add_argument("--cases")
    parser.add_argument("--per-case", type=int, default=6)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--details")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--from-details", help="comma-separated --details files of earlier runs (say, two halves of the cases run side by side): "
                        "their results are combined, in manifest order and each case once, and reported without running anything")
    args = parser.parse_args()
    if args.from_details:
        order = {c["id"]: i for i, c in enumerate(json.load(open(args.manifest, encoding="utf-8"))["cases"])}
        combined = {}
        for name in args.from_details.split(","):
            with open(name, encoding="utf-8") as handle:
                for r in json.load(handle)["results"]:
                    combined.setdefault(r["id"], r)
        report(args, sorted(combined.values(), key=lambda r: order.get(r["id"], len(order))))
        return
    with open(args.manifest, encoding="utf-8") as handle:
        cases = json.load(handle)["cases"]
    if args.cases:
        wanted = set(args.cases.split(","))
        cases = [c for c in cases if c["id"] in wanted]
    work = tempfile.mkdtemp(prefix="layerlens-mutants-")
    results = []
    try:
        for case in cases:
            print(case["id"], flush=True)
            try:
                results.append(measure_case(args, case, work))
            except Exception as exc:  # noqa: BLE001 - one broken case must not stop the others.
                results.append({"id": case["id"], "skipped": f"benchmark error: {exc}"})
            if args.details:
                # Written after every case, so a long run stopped early still leaves its measurements.
                with open(args.details, "w", encoding="utf-8") as handle:
                    json.dump({"totals": totals(results), "results": results}, handle, indent=1, ensure_ascii=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, results)


def report(args, results):
    t = totals(results)
    print(json.dumps({k: v for k, v in t.items() if k != "skipped"}, indent=1))
    if args.details:
        with open(args.details, "w", encoding="utf-8") as handle:
            json.dump({"totals": t, "results": results}, handle, indent=1, ensure_ascii=False)
    if not args.no_write:
        path = os.path.join(ROOT, "docs", "repairs.md")
        with open(path, encoding="utf-8") as handle:
            doc = handle.read()
        a, b = doc.index(START), doc.index(END) + len(END)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(doc[:a] + markdown(t, args) + doc[b:])


if __name__ == "__main__":
    main()
