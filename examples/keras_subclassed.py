"""A subclassed Keras model, as TensorFlow's "quickstart for experts" writes it, with a
subclassed residual layer.

Keras's own model.summary() prints "multiple" for the output shapes of a subclassed model;
Layer Lens runs call() on the input stated in the comment above it and shows every layer's shape.
"""
from tensorflow import keras
from tensorflow.keras import layers


class ResidualDense(layers.Layer):
    """Two dense layers with a skip connection: (N, F) to (N, F)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(units, activation="relu")
        self.project = layers.Dense(units)

    def call(self, x):
        return self.project(self.hidden(x)) + x


class DigitClassifier(keras.Model):
    """A 28x28 grey image (channels last) to ten digit logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = layers.Conv2D(32, 3, activation="relu")
        self.flatten = layers.Flatten()
        self.d1 = layers.Dense(128, activation="relu")
        self.residual = ResidualDense(128)
        self.d2 = layers.Dense(10)

    # layer-lens: x: (N, 28, 28, 1)
    def call(self, x):
        x = self.conv1(x)
        x = self.flatten(x)
        x = self.d1(x)
        x = self.residual(x)
        return self.d2(x)
