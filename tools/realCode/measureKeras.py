"""Writes the truth for every entry of tools/realCode/kerasCorpus.json to
test/fixtures/realCode/keras/<id>.json by running tools/realCode/recordKeras.py (real tfjs behind a
stand-in keras package). Sources are read from outside the project: Debian packages under
/usr/lib/python3/dist-packages, repository extracts under $CORPUS (default /work/corpus-keras).

usage: /usr/bin/python3 tools/realCode/measureKeras.py [ID...]
"""

import json
import re
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = Path(os.environ.get('CORPUS', '/work/corpus-keras'))


def source_file(entry):
    if entry['source'].startswith('deb:'):
        return Path('/usr/lib/python3/dist-packages') / entry['path']
    return CORPUS / entry['source'].split('@')[0].replace('/', '+') / entry['path']


def extract(entry):
    """Writes a notebook entry's code cells, verbatim and in order, to the corpus folder.

    Lines starting with `%` or `!` (IPython magics) are left out; `bindings` (values the notebook
    computes from data it downloads) come first, marked as such."""
    repo, commit = entry['source'].split('@')
    mirror = Path('/work/.mirror') / repo.replace('/', '+') / 'repo'
    nb = json.loads(subprocess.run(['git', '-C', str(mirror), 'show', f"{commit}:{entry['notebook']}"], capture_output=True, text=True, check=True).stdout)
    parts = [f"# Code cells {entry['cells']} of {repo}/{entry['notebook']} at {commit[:12]}, verbatim."]
    if entry.get('bindings'):
        parts.append('# Bindings for values the notebook computes from downloaded data:\n' + entry['bindings'])
    for i in entry['cells']:
        if nb['cells'][i]['cell_type'] != 'code':
            raise ValueError(f"cell {i} of {entry['notebook']} is not a code cell")
        src = ''.join(nb['cells'][i]['source'])
        parts.append('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))))
    out = source_file(entry)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('\n\n'.join(parts) + '\n')


def bind_applications_submodules():
    """A second copy of Keras Applications whose builders take Keras's modules from an import.

    Keras Applications 1.0.8 receives backend/layers/models/utils as keyword arguments
    (get_submodules_from_kwargs); tf.keras's own copies import them. The copy in
    $CORPUS/keras_applications_bound/ replaces that one line by the import's equivalent
    (`import keras` at the top, `backend, layers, models, keras_utils = keras.backend, ...`), so the
    comparison can measure the layer code apart from the injection; the truth is the same."""
    src = Path('/usr/lib/python3/dist-packages/keras_applications')
    dst = CORPUS / 'keras_applications_bound'
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.glob('*.py'):
        text = f.read_text()
        text = re.sub(r'^(\s*)backend, (\w+), (\w+), (\w+) = get_submodules_from_kwargs\(kwargs\)',
                      lambda m: f'{m.group(1)}backend, {m.group(2)}, {m.group(3)}, {m.group(4)} = keras.backend, keras.layers, keras.models, keras.utils',
                      text, flags=re.M)
        if f.name != '__init__.py':
            text = text.replace('from __future__ import print_function\n', 'from __future__ import print_function\n\nimport keras\n', 1)
        (dst / f.name).write_text(text)


def main():
    bind_applications_submodules()
    manifest = json.loads((ROOT / 'tools/realCode/kerasCorpus.json').read_text())
    only = set(sys.argv[1:])
    out_dir = ROOT / 'test/fixtures/realCode/keras'
    out_dir.mkdir(parents=True, exist_ok=True)
    for e in manifest['entries']:
        if only and e['id'] not in only:
            continue
        if e.get('notebook'):
            extract(e)
        cmd = ['/usr/bin/python3', str(ROOT / 'tools/realCode/recordKeras.py'), str(source_file(e)), e['builder']]
        if e.get('input'):
            cmd += ['--input', e['input']]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if r.returncode != 0:
            print(f"{e['id']}: FAILED {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''}")
            continue
        try:
            truth = json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            print(f"{e['id']}: FAILED no truth printed")
            continue
        truth['id'] = e['id']
        truth['source'] = e['source']
        truth['path'] = e['path']
        truth['file'] = None
        truth['method'] = 'recordKeras.py: the builder run against a stand-in keras package, every layer built and applied by @tensorflow/tfjs 4.22 in Node'
        if 'documented_total' in e:
            truth['documented_total'] = e['documented_total']
            truth['documented_total_agrees'] = e['documented_total'] == truth['total_params']
        (out_dir / f"{e['id']}.json").write_text(json.dumps(truth, indent=1) + '\n')
        print(f"{e['id']}: {len(truth['layers'])} layers, total {truth['total_params']:,}" + (f" (documented {e['documented_total']:,})" if 'documented_total' in e else ''))


if __name__ == '__main__':
    main()
