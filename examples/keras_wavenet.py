"""WaveNet in Keras, with the functional API: causal dilated Conv1D layers built in a loop.

Keras has causal padding built in (`padding="causal"` pads (k - 1) * d zeros on the left), so the
sequence keeps its length T. Kernel 2 with dilations 1, 2, 4 gives a context of 8 samples per
block; two blocks give 16 - 1 = 15. Keras is channels-last: audio is (N, T, 256).

One difference from the PyTorch version: a Keras model keeps only the layers that lead to its
outputs. The last layer's residual output feeds nothing, so its 1x1 convolution (and Add) are
not part of the model, which has 1,056 parameters fewer than examples/wavenet.py.
"""
import keras
from keras import layers


def residual_layer(x, dilation, residual_channels, skip_channels, name):
    """One gated layer; returns the residual output and the skip output."""
    filter_out = layers.Conv1D(
        residual_channels, 2, dilation_rate=dilation, padding="causal", activation="tanh",
        name=f"{name}_filter",
    )(x)
    gate_out = layers.Conv1D(
        residual_channels, 2, dilation_rate=dilation, padding="causal", activation="sigmoid",
        name=f"{name}_gate",
    )(x)
    # The gate (between 0 and 1) decides how much of the filter passes through.
    z = layers.Multiply(name=f"{name}_gated")([filter_out, gate_out])
    residual = layers.Conv1D(residual_channels, 1, name=f"{name}_residual")(z)
    skip = layers.Conv1D(skip_channels, 1, name=f"{name}_skip")(z)
    return layers.Add(name=f"{name}_out")([x, residual]), skip


def build_wavenet(
    layers_per_block=3,
    blocks=2,
    residual_channels=32,
    skip_channels=64,
    quantization_channels=256,
):
    """One-hot audio (N, T, 256) to logits of the next sample (N, T, 256)."""
    inputs = keras.Input(shape=(None, quantization_channels), name="audio")
    # The 1x1 input projection: a dense layer applied to every sample.
    x = layers.Conv1D(residual_channels, 1, name="input_projection")(inputs)
    skips = []
    for i in range(blocks * layers_per_block):
        x, skip = residual_layer(
            x, 2 ** (i % layers_per_block), residual_channels, skip_channels, name=f"layer{i}"
        )
        skips.append(skip)
    # The output comes from the sum of every layer's skip output.
    out = layers.Add(name="skip_sum")(skips)
    out = layers.Activation("relu")(out)
    out = layers.Conv1D(skip_channels, 1, activation="relu", name="head_hidden")(out)
    logits = layers.Conv1D(quantization_channels, 1, name="logits")(out)
    return keras.Model(inputs, logits, name="wavenet")
