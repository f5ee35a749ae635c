"""Runs a Keras model builder written by others against a stand-in `keras` package whose every layer
is built by real TensorFlow.js (tools/realCode/tfjsShapeServer.mjs), and prints the truth: each
layer of the model in Keras's naming, its output shapes and parameter count, and the total.

Keras itself is not installable on this machine. The stand-in keeps Keras's public surface
(layers by class name, keras.Input, keras.Model/Sequential, subclassed Layer/Model with call(),
add_weight, tensor arithmetic on symbolic tensors, Lambda) and turns each construction and call
into a request to the tfjs server: the configuration is translated, the code itself only runs here.

usage: python3 recordKeras.py FILE BUILDER_EXPR [--input SHAPE]   (prints JSON)
"""

import ast
import contextlib
import json
import math
import re
import subprocess
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class Server:
    def __init__(self):
        self.p = subprocess.Popen(['node', str(HERE / 'tfjsShapeServer.mjs')], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, text=True)

    def ask(self, **req):
        self.p.stdin.write(json.dumps(req) + '\n')
        self.p.stdin.flush()
        ans = json.loads(self.p.stdout.readline())
        if not ans.get('ok'):
            raise RuntimeError(f"tfjs: {ans.get('error')} (request {json.dumps(req)[:300]})")
        return ans


SERVER = None
COUNTER = {'t': 0, 'l': 0}
NAMES = {}
CREATED = []  # every layer object, in creation order


def snake(name):
    # keras/src/utils/naming.py to_snake_case.
    s = re.sub(r'(.)([A-Z][a-z]+)', r'\1_\2', name)
    s = re.sub(r'([a-z])([A-Z])', r'\1_\2', s).lower()
    return s


def uniq(base):
    n = NAMES.get(base, 0)
    NAMES[base] = n + 1
    return base if n == 0 else f'{base}_{n}'


class Shape(tuple):
    @property
    def rank(self):
        return len(self)

    def as_list(self):
        return list(self)


class T:
    """A symbolic tensor: an id in the tfjs server and the shape tfjs gave it."""

    def __init__(self, shape, dtype='float32'):
        COUNTER['t'] += 1
        self.id = f't{COUNTER["t"]}'
        self.shape = Shape(shape)
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)

    def get_shape(self):
        return self.shape

    def _op(self, fn, other, rev=False):
        a, b = (other, self) if rev else (self, other)
        return tensor_op(fn, [a, b], {}, record=True)

    def __add__(self, o): return self._op('add', o)
    def __radd__(self, o): return self._op('add', o, True)
    def __sub__(self, o): return self._op('sub', o)
    def __rsub__(self, o): return self._op('sub', o, True)
    def __mul__(self, o): return self._op('mul', o)
    def __rmul__(self, o): return self._op('mul', o, True)
    def __truediv__(self, o): return self._op('div', o)
    def __rtruediv__(self, o): return self._op('div', o, True)
    def __matmul__(self, o): return tensor_op('matmul', [self, o], {}, record=True)
    def __neg__(self): return tensor_op('unary', [self], {}, record=True)
    # Comparisons make masks of the same shape (only != and ordering: == stays identity for `in`).
    def __ne__(self, o): return tensor_op('add', [self, o], {}, record=True)
    def __gt__(self, o): return tensor_op('add', [self, o], {}, record=True)
    def __lt__(self, o): return tensor_op('add', [self, o], {}, record=True)
    __hash__ = object.__hash__
    def __pow__(self, o): return tensor_op('unary', [self], {}, record=True)

    def __getitem__(self, idx):
        if not isinstance(idx, tuple):
            idx = (idx,)
        index = []
        for e in idx:
            if e is Ellipsis:
                index.append({'ellipsis': True})
            elif e is None:
                index.append({'newaxis': True})
            elif isinstance(e, slice):
                index.append({'slice': [e.start, e.stop, e.step]})
            else:
                index.append({'int': int(e)})
        return tensor_op('getitem', [self], {'index': index}, record=True)


SKIPPED = []
OPS = []  # tensor operations on symbolic tensors (Keras 3 records them as graph nodes, not layers)


def tensor_op(fn, inputs, args, record=False):
    ins = []
    for x in inputs:
        if isinstance(x, T):
            ins.append({'ref': x.id})
        elif isinstance(x, (int, float)):
            ins.append(x)
        else:
            ins.append(float(x) if not hasattr(x, 'shape') else x.tolist())
    COUNTER['t'] += 1
    out = f'o{COUNTER["t"]}'
    n = args.get('num', 1) if fn == 'split' else 1
    ans = SERVER.ask(op='tensorOp', fn=fn, inputs=ins, args=args, out=[f'{out}_{i}' for i in range(n)])
    results = []
    for i, s in enumerate(ans['shapes']):
        t = T.__new__(T)
        t._producer = (None, [x for x in inputs if isinstance(x, T)])
        t.id = f'{out}_{i}'
        t.shape = Shape(s)
        t.dtype = 'float32'
        results.append(t)
    if record:
        OPS.append({'op': fn, 'shapes': ans['shapes']})
    return results if fn == 'split' else results[0]


def config_value(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [config_value(x) for x in v]
    if isinstance(v, dict):
        return {k: config_value(x) for k, x in v.items()}
    if callable(v) and getattr(v, '__name__', None) in ('relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'gelu', 'swish', 'linear'):
        return v.__name__
    return None


SIGNATURES = {
    'Dense': ['units', 'activation'], 'Conv1D': ['filters', 'kernel_size', 'strides', 'padding'], 'Conv2D': ['filters', 'kernel_size', 'strides', 'padding'],
    'Conv3D': ['filters', 'kernel_size', 'strides', 'padding'], 'Conv2DTranspose': ['filters', 'kernel_size', 'strides', 'padding'],
    'SeparableConv2D': ['filters', 'kernel_size', 'strides', 'padding'], 'DepthwiseConv2D': ['kernel_size', 'strides', 'padding'],
    'Dropout': ['rate'], 'SpatialDropout1D': ['rate'], 'SpatialDropout2D': ['rate'], 'Activation': ['activation'], 'Reshape': ['target_shape'],
    'Permute': ['dims'], 'RepeatVector': ['n'], 'Embedding': ['input_dim', 'output_dim'], 'LSTM': ['units'], 'GRU': ['units'],
    'SimpleRNN': ['units'], 'Bidirectional': ['layer', 'merge_mode'], 'TimeDistributed': ['layer'], 'ZeroPadding2D': ['padding'],
    'ZeroPadding1D': ['padding'], 'Cropping2D': ['cropping'], 'Cropping1D': ['cropping'], 'UpSampling2D': ['size'], 'UpSampling1D': ['size'],
    'MaxPooling2D': ['pool_size', 'strides', 'padding'], 'MaxPooling1D': ['pool_size', 'strides', 'padding'], 'MaxPool2D': ['pool_size', 'strides', 'padding'],
    'MaxPool1D': ['pool_size', 'strides', 'padding'], 'AveragePooling2D': ['pool_size', 'strides', 'padding'], 'AveragePooling1D': ['pool_size', 'strides', 'padding'],
    'AvgPool2D': ['pool_size', 'strides', 'padding'], 'AvgPool1D': ['pool_size', 'strides', 'padding'], 'Concatenate': ['axis'], 'Dot': ['axes'],
    'Rescaling': ['scale', 'offset'], 'Resizing': ['height', 'width'], 'CenterCrop': ['height', 'width'], 'RandomCrop': ['height', 'width'],
    'RandomFlip': ['mode'], 'RandomRotation': ['factor'], 'RandomZoom': ['height_factor'], 'RandomContrast': ['factor'], 'LeakyReLU': ['negative_slope'],
    'ReLU': ['max_value', 'negative_slope', 'threshold'], 'MultiHeadAttention': ['num_heads', 'key_dim', 'value_dim'], 'Softmax': ['axis'],
    'Lambda': ['function', 'output_shape'], 'GaussianNoise': ['stddev'], 'GaussianDropout': ['rate'], 'TextVectorization': ['max_tokens'],
    'Normalization': ['axis'], 'GroupNormalization': ['groups'], 'LayerNormalization': ['axis'], 'BatchNormalization': ['axis'],
}


class Layer:
    """Stand-in of keras.layers.Layer: built layers are tfjs layers; user subclasses run call()."""

    _kclass = None

    def __init__(self, *args, **kwargs):
        cls = self._kclass or type(self).__name__
        object.__setattr__(self, '_sublayers', [])
        object.__setattr__(self, '_own_params', 0)
        object.__setattr__(self, '_built', False)
        object.__setattr__(self, '_calls', [])
        COUNTER['l'] += 1
        object.__setattr__(self, '_id', f'l{COUNTER["l"]}')
        name = kwargs.get('name')
        object.__setattr__(self, 'name', name or uniq(snake(cls)))
        object.__setattr__(self, '_kind', 'builtin' if self._kclass else 'subclass')
        object.__setattr__(self, '_input_shape_kw', kwargs.get('input_shape') or (kwargs.get('batch_input_shape') or [None])[1:] or None)
        CREATED.append(self)
        if self._kclass:
            cfg = {}
            for i, a in enumerate(args):
                cfg[SIGNATURES.get(cls, [f'arg{i}'] * 99)[i] if i < len(SIGNATURES.get(cls, [])) else f'arg{i}'] = a
            cfg.update(kwargs)
            if cls in ('Bidirectional', 'TimeDistributed'):
                inner = cfg['layer']
                object.__setattr__(self, '_inner', inner)
                if inner in CREATED:
                    CREATED.remove(inner)
                cfg['layer'] = inner._id
            object.__setattr__(self, '_config', cfg)
            if cls == 'Lambda':
                return
            c = {k: config_value(v) for k, v in cfg.items() if k not in ('input_shape', 'batch_input_shape', 'input_dim') or cls == 'Embedding'}
            if cls != 'Embedding':
                c.pop('input_length', None)
            if isinstance(c.get('target_shape'), list):
                c['target_shape'] = [d if d is not None else -1 for d in c['target_shape']]
            c['name'] = self.name
            if cls in ('Bidirectional', 'TimeDistributed'):
                c['layer'] = cfg['layer']
            SERVER.ask(op='layer', id=self._id, cls=cls, config=c)

    def __setattr__(self, key, value):
        subs = self.__dict__.get('_sublayers')
        if subs is not None:
            for v in (value if isinstance(value, (list, tuple)) else value.values() if isinstance(value, dict) else [value]):
                if isinstance(v, Layer) and v not in subs:
                    subs.append(v)
        object.__setattr__(self, key, value)

    def add_weight(self, name=None, shape=None, *args, **kwargs):
        shape = shape if shape is not None else kwargs.get('shape', ())
        self._own_params += math.prod(int(d) for d in shape)
        return tensor_op('const', [], {'shape': [int(d) for d in shape]})

    def build(self, input_shape):
        pass

    def count_params(self):
        if self._kind == 'builtin':
            if self._kclass == 'Lambda':
                return 0
            return SERVER.ask(op='params', layer=self._id)['params']
        return self._own_params + sum(s.count_params() for s in self._sublayers)

    def __call__(self, *args, **kwargs):
        cls = self._kclass
        if cls == 'MultiHeadAttention':
            q = args[0] if args else kwargs.pop('query')
            v = args[1] if len(args) > 1 else kwargs.pop('value')
            k = args[2] if len(args) > 2 else kwargs.pop('key', None)
            inputs = [q, v] + ([k] if k is not None else [])
            args = ()
        elif args:
            inputs, args = args[0], args[1:]
        elif self._kclass is None and hasattr(self, 'call'):
            # The first parameter of call() given by keyword (`layer(source=x, ...)`).
            import inspect
            first = list(inspect.signature(self.call).parameters)[0]
            inputs = kwargs.pop(first)
        else:
            inputs = kwargs.pop('inputs')
        if cls == 'Lambda':
            fn = self._config['function']
            extra = self._config.get('arguments') or {}
            out = fn(inputs, **extra)
        elif cls:
            flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
            if 'initial_state' in kwargs and kwargs['initial_state'] is not None:
                init = kwargs['initial_state']
                init = list(init) if isinstance(init, (list, tuple)) else [init]
            else:
                init = None
            COUNTER['t'] += 1
            out_id = f'a{COUNTER["t"]}'
            ans = SERVER.ask(op='apply', layer=self._id, inputs=[t.id for t in flat], list=isinstance(inputs, (list, tuple)) and cls != 'Bidirectional', out=[out_id],
                             initialState=[t.id for t in init] if init else None)
            outs = []
            for i, s in enumerate(ans['shapes']):
                t = T.__new__(T)
                t.id = out_id if i == 0 else f'{out_id}#{i}'
                t._producer = (self, flat + (init or []))
                t.shape = Shape(s)
                t.dtype = 'float32'
                outs.append(t)
            out = outs[0] if len(outs) == 1 else outs
        else:
            if not self._built:
                self.build(_shapes(inputs))
                object.__setattr__(self, '_built', True)
            out = self.call(inputs, *args, **{k: v for k, v in kwargs.items() if k != 'training'} | ({'training': kwargs['training']} if 'training' in kwargs else {}))
        if cls == 'Lambda' or not cls:
            # Keras sees one node of this layer from its inputs to its outputs.
            flat_in = _flat(inputs) + _flat(list(args)) + _flat(list(kwargs.values()))
            for t in _flat(out):
                object.__setattr__(t, '_producer', (self, flat_in))
        self._calls.append(_shapes(out))
        return out


def _flat(v):
    if isinstance(v, T):
        return [v]
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in _flat(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _flat(x)]
    return []


def reachable_layers(inputs, outputs):
    """Keras's functional model.layers: the layers on the paths from the inputs to the outputs."""
    stop = {id(t) for t in _flat(inputs)}
    seen, found, stack = set(), [], list(_flat(outputs))
    while stack:
        t = stack.pop()
        if id(t) in stop or id(t) in seen:
            continue
        seen.add(id(t))
        producer = getattr(t, '_producer', None)
        if not producer:
            continue
        layer, ins = producer
        if layer is not None and layer not in found:
            found.append(layer)
        stack.extend(ins)
    order = {id(l): i for i, l in enumerate(CREATED)}
    return sorted(found, key=lambda l: order.get(id(l), 0))


def _shapes(v):
    if isinstance(v, T):
        return list(v.shape)
    if isinstance(v, (list, tuple)):
        return [_shapes(x) for x in v]
    if isinstance(v, dict):
        return {k: _shapes(x) for k, x in v.items()}
    return None


class InputLayerT(T):
    pass


def Input(shape=None, batch_size=None, name=None, dtype=None, tensor=None, batch_shape=None, **kw):
    if tensor is not None:
        return tensor
    full = list(batch_shape) if batch_shape else [batch_size] + list(shape)
    t = T.__new__(InputLayerT)
    COUNTER['t'] += 1
    t.id = f'i{COUNTER["t"]}'
    ans = SERVER.ask(op='input', id=t.id, shape=full, name=None, dtype='int32' if dtype in ('int32', 'int64', 'int') else 'float32')
    t.shape = Shape(ans['shapes'][0])
    t.dtype = dtype or 'float32'
    t.input_name = name or uniq('input_layer')
    return t


class Model(Layer):
    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop('inputs', None)
        outputs = kwargs.pop('outputs', None)
        if len(args) >= 2:
            inputs, outputs = args[0], args[1]
        object.__setattr__(self, '_functional', inputs is not None)
        object.__setattr__(self, '_layer_order', None)
        if inputs is not None:
            object.__setattr__(self, '_kclass', None)
            object.__setattr__(self, '_inputs', inputs)
            object.__setattr__(self, '_outputs', outputs)
            # A functional model owns every layer created since its inputs (approximation of the graph walk).
        Layer.__init__(self, name=kwargs.get('name') or None) if not kwargs.get('name') else Layer.__init__(self, name=kwargs['name'])
        if inputs is not None:
            for l in reachable_layers(inputs, outputs):
                self._sublayers.append(l)

    def build(self, input_shape):
        if isinstance(input_shape, tuple) and not self._built:
            x = Input(batch_shape=list(input_shape))
            object.__setattr__(self, '_built', True)
            self.call(x)

    def summary(self, *a, **k):
        pass

    def fit(self, *a, **k):
        pass

    def predict(self, *a, **k):
        pass

    def evaluate(self, *a, **k):
        pass

    def save(self, *a, **k):
        pass

    def compile(self, *a, **k):
        pass

    def __call__(self, inputs, *args, **kwargs):
        if self._functional:
            raise RuntimeError('a functional model applied as a layer is not followed by the recorder')
        return Layer.__call__(self, inputs, *args, **kwargs)




class Sequential(Model):
    def __init__(self, layers=None, name=None, **kw):
        Model.__init__(self, name=name)
        object.__setattr__(self, '_functional', False)
        object.__setattr__(self, '_seq', [])
        for l in layers or []:
            self.add(l)

    def add(self, layer):
        self._seq.append(layer)
        if layer not in self._sublayers:
            self._sublayers.append(layer)
        if isinstance(layer, InputLayerT):
            object.__setattr__(self, '_seq_input', layer)
            self._seq.remove(layer)
            self._sublayers.remove(layer)
            return
        first = [l for l in self._seq if isinstance(l, Layer)]
        if len(first) == 1 and getattr(layer, '_input_shape_kw', None) is not None:
            x = Input(shape=list(layer._input_shape_kw))
            object.__setattr__(self, '_seq_input', x)
        if getattr(self, '_seq_input', None) is not None and not self._built:
            object.__setattr__(self, '_built', True)
            x = self._seq_input
            for l in self._seq:
                x = l(x)
            object.__setattr__(self, '_last_out', x)
        elif self._built:
            object.__setattr__(self, '_last_out', layer(self._last_out))

    def call(self, x, training=None):
        for l in self._seq:
            x = l(x)
        object.__setattr__(self, '_last_out', x)
        return x

    def build(self, input_shape=None):
        if not self._built and input_shape is not None:
            object.__setattr__(self, '_built', True)
            self.call(Input(batch_shape=list(input_shape)))


def layers_of(model):
    """Keras's model.layers: the tracked sublayers (InputLayer left out, as the comparison does)."""
    return list(model._sublayers)


# Names Keras exports for the same class (keras/src/layers/pooling/*.py, convolutional/*.py:
# `@keras_export(["keras.layers.MaxPooling2D", "keras.layers.MaxPool2D"])`): an instance is named
# after the class, `max_pooling2d`, whichever name built it.
KERAS_ALIASES = {
    **{f'MaxPool{n}D': f'MaxPooling{n}D' for n in (1, 2, 3)},
    **{f'AvgPool{n}D': f'AveragePooling{n}D' for n in (1, 2, 3)},
    **{f'GlobalMaxPool{n}D': f'GlobalMaxPooling{n}D' for n in (1, 2, 3)},
    **{f'GlobalAvgPool{n}D': f'GlobalAveragePooling{n}D' for n in (1, 2, 3)},
    **{f'Convolution{n}D': f'Conv{n}D' for n in (1, 2, 3)},
    **{f'Convolution{n}DTranspose': f'Conv{n}DTranspose' for n in (1, 2, 3)},
    **{f'SeparableConvolution{n}D': f'SeparableConv{n}D' for n in (1, 2)},
}
_LAYER_CLASSES = {}


def make_layer_class(name):
    name = KERAS_ALIASES.get(name, name)
    if name not in _LAYER_CLASSES:
        _LAYER_CLASSES[name] = type(name, (Layer,), {'_kclass': name})
    return _LAYER_CLASSES[name]


class Catchall(types.ModuleType):
    """A module whose unknown attributes are layer classes (capitalised) or tensor functions."""

    def __init__(self, name, kind):
        super().__init__(name)
        self._kind = kind
        self._cache = {}

    def __getattr__(self, item):
        if item.startswith('__'):
            raise AttributeError(item)
        if item in self._cache:
            return self._cache[item]
        if self._kind == 'layers' and item[:1].isupper():
            v = make_layer_class(item)
        elif self._kind == 'activations':
            # keras.activations.<name>: an element-wise function (get(name) returns one as well).
            v = lambda x=None, *a, **k: x if isinstance(x, str) or x is None else tensor_op('unary', [x], {}, True)
            v.__name__ = item
        else:
            v = lambda *a, **k: None
        self._cache[item] = v
        return v


def functional_merge(cls):
    def f(inputs, **kw):
        return make_layer_class(cls)(**kw)(inputs)
    return f


def load_model(*a, **k):
    # A saved model is not read: the statement is skipped and the built model stays bound.
    raise NotImplementedError('load_model reads a saved file')


def install():
    def mk(name, kind='other'):
        m = Catchall(name, kind)
        sys.modules[name] = m
        return m

    layers = mk('keras.layers', 'layers')
    for n in ('Layer',):
        setattr(layers, n, Layer)
    layers.Input = Input
    layers.InputLayer = lambda input_shape=None, shape=None, **k: Input(shape=shape or input_shape)
    for f, c in (('add', 'Add'), ('concatenate', 'Concatenate'), ('multiply', 'Multiply'), ('average', 'Average'), ('maximum', 'Maximum'), ('dot', 'Dot')):
        setattr(layers, f, functional_merge(c))
    models = mk('keras.models')
    models.Model = Model
    models.Sequential = Sequential
    models.load_model = load_model
    backend = mk('keras.backend')
    backend.image_data_format = lambda: 'channels_last'
    backend.int_shape = lambda t: tuple(t.shape)
    backend.is_keras_tensor = lambda t: isinstance(t, T)
    backend.backend = lambda: 'tensorflow'
    backend.shape = lambda t: t.shape
    import contextlib
    backend.name_scope = lambda *a, **k: contextlib.nullcontext()

    utils = mk('keras.utils')
    utils.get_source_inputs = lambda t: [t]
    utils.plot_model = lambda *a, **k: None
    ops = mk('keras.ops')
    ops.reshape = lambda x, shape: tensor_op('reshape', [x], {'shape': [None if d is None else int(d) for d in shape]}, True)
    ops.transpose = lambda x, axes=None: tensor_op('transpose', [x], {'perm': axes}, True)
    ops.concatenate = lambda xs, axis=0: tensor_op('concat', list(xs), {'axis': axis}, True)
    ops.matmul = lambda a, b: tensor_op('matmul', [a, b], {}, True)
    ops.expand_dims = lambda x, axis: tensor_op('expand_dims', [x], {'axis': axis}, True)
    ops.shape = lambda x: x.shape
    for u in ('relu', 'sigmoid', 'tanh', 'exp', 'sqrt', 'abs', 'square', 'softmax', 'gelu', 'silu', 'cast'):
        setattr(ops, u, lambda x, *a, **k: tensor_op('unary', [x], {}, True))
    ops.add = lambda a, b: tensor_op('add', [a, b], {}, True)
    ops.multiply = lambda a, b: tensor_op('mul', [a, b], {}, True)
    ops.subtract = lambda a, b: tensor_op('sub', [a, b], {}, True)
    ops.mean = lambda x, axis=None, keepdims=False: tensor_op('reduce', [x], {'axis': axis, 'keepdims': keepdims}, True)
    ops.sum = ops.mean
    ops.split = lambda x, n, axis=0: tensor_op('split', [x], {'num': n, 'axis': axis}, True)
    ops.arange = lambda *a, **k: None
    ops.eye = lambda n, m=None, **k: tensor_op('const', [], {'shape': [n, m or n]})
    ops.take = lambda a, idx, axis=None: tensor_op('take', [a, idx], {'axis': axis or 0}, True)
    ops.cast = lambda x, dtype=None: x
    ops.ones_like = lambda x, dtype=None: tensor_op('unary', [x], {}, True)
    ops.zeros_like = ops.ones_like
    ops.cumsum = lambda x, axis=None, dtype=None: tensor_op('unary', [x], {}, True)
    keras = mk('keras')
    keras.layers, keras.models, keras.backend, keras.utils, keras.ops = layers, models, backend, utils, ops
    keras.Input, keras.Model, keras.Sequential, keras.Layer = Input, Model, Sequential, Layer
    keras.__path__ = []
    for sub in ('regularizers', 'initializers', 'optimizers', 'losses', 'metrics', 'callbacks', 'activations', 'applications', 'datasets', 'preprocessing', 'constraints', 'mixed_precision', 'saving'):
        setattr(keras, sub, mk(f'keras.{sub}', 'activations' if sub == 'activations' else 'other'))
    keras.activations.relu = lambda x, *a, **k: tensor_op('unary', [x], {}, True)
    keras.activations.relu.__name__ = 'relu'
    keras.activations.get = lambda name: keras.activations.relu
    keras.saving.load_model = keras.models.load_model
    keras.saving.register_keras_serializable = lambda *a, **k: (lambda c: c)
    tf = mk('tensorflow')
    tf.keras = keras
    tf.__path__ = []
    nn = mk('tensorflow.nn')
    tf.nn = nn
    for u in ('relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'relu6', 'swish', 'silu'):
        fn = (lambda x, *a, **k: tensor_op('unary', [x], {}, True))
        fn.__name__ = u
        setattr(nn, u, fn)
    tf.reshape = ops.reshape
    tf.transpose = lambda x, perm=None: tensor_op('transpose', [x], {'perm': perm}, True)
    tf.concat = lambda xs, axis: tensor_op('concat', list(xs), {'axis': axis}, True)
    tf.matmul = lambda a, b, transpose_a=False, transpose_b=False: tensor_op('matmul', [a, b], {'transpose_a': transpose_a, 'transpose_b': transpose_b}, True)
    tf.expand_dims = ops.expand_dims
    tf.float32, tf.int32, tf.int64, tf.string = 'float32', 'int32', 'int64', 'string'
    tf.math = mk('tensorflow.math')
    tf.random = mk('tensorflow.random')
    tf.data = mk('tensorflow.data')
    tf.config = mk('tensorflow.config')
    for n, m in (('tensorflow.keras', keras), ('tensorflow.keras.layers', layers), ('tensorflow.keras.models', models), ('tensorflow.keras.backend', backend),
                 ('tensorflow.keras.utils', utils), ('keras.src', keras), ('tensorflow.keras.regularizers', keras.regularizers),
                 ('tensorflow.keras.optimizers', keras.optimizers), ('tensorflow.keras.activations', keras.activations)):
        sys.modules[n] = m
    for n in ('regularizers', 'initializers', 'optimizers', 'losses', 'metrics', 'callbacks', 'activations', 'applications', 'datasets', 'preprocessing', 'constraints', 'mixed_precision', 'saving'):
        sys.modules[f'keras.{n}'] = getattr(keras, n)
        sys.modules[f'tensorflow.keras.{n}'] = getattr(keras, n)
    return keras


def describe(model):
    rows = []
    for l in layers_of(model):
        if isinstance(l, T):
            continue
        shapes = l._calls[0] if l._calls else None
        shapes = [shapes] if shapes and not isinstance(shapes[0], list) else shapes
        rows.append({'name': l.name, 'class': l._kclass or type(l).__name__, 'kind': l._kind, 'output_shapes': shapes,
                     'params': l.count_params(), 'calls': len(l._calls)})
    return rows


def main():
    global SERVER
    file, expr = sys.argv[1], sys.argv[2]
    inputs = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == '--input' else None
    SERVER = Server()
    install()
    # Keras Applications takes its submodules as keyword arguments.
    if 'keras_applications' in file:
        import keras_applications
        keras = sys.modules['keras']
        keras_applications._KERAS_BACKEND, keras_applications._KERAS_LAYERS = keras.backend, keras.layers
        keras_applications._KERAS_MODELS, keras_applications._KERAS_UTILS = keras.models, keras.utils
        modname = 'keras_applications.' + Path(file).stem
        import importlib
        mod = importlib.import_module(modname)
        scope = vars(mod)
    else:
        scope = {'__name__': 'corpus'}
        # Notebook extracts hold training and data cells too: each top-level statement runs on its
        # own, and one that fails (data not present, training) is skipped and reported.
        tree = ast.parse(Path(file).read_text())
        for stmt in tree.body:
            code = compile(ast.Module(body=[stmt], type_ignores=[]), file, 'exec')
            try:
                # The notebooks print; stdout carries only the truth.
                with contextlib.redirect_stdout(sys.stderr):
                    exec(code, scope)
            except Exception as e:  # noqa: BLE001 - reported, not hidden
                SKIPPED.append({'line': stmt.lineno, 'error': f'{type(e).__name__}: {e}'[:200]})
    try:
        model = eval(expr, scope)
    except Exception:
        print(json.dumps(SKIPPED), file=sys.stderr)
        raise
    if inputs is not None and not model._functional and not model._built:
        shape = ast.literal_eval(inputs)
        model.build(tuple(shape))
    total = model.count_params()
    if model._functional:
        ins = model._inputs if isinstance(model._inputs, (list, tuple)) else list(model._inputs.values()) if isinstance(model._inputs, dict) else [model._inputs]
        model_inputs = [list(t.shape) for t in ins]
    elif getattr(model, '_seq_input', None) is not None:
        model_inputs = [list(model._seq_input.shape)]
    else:
        model_inputs = [list(ast.literal_eval(inputs))] if inputs else []
    print(json.dumps({'file': file, 'builder': expr, 'layers': describe(model), 'total_params': total, 'inputs': model_inputs, 'tensor_ops': len(OPS), 'skipped_statements': SKIPPED}))
    SERVER.p.stdin.close()


if __name__ == '__main__':
    main()
