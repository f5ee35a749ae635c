"""The spectrogram phoneme classifier again, as a keras.Sequential model (tf.keras spelling).

Keras puts channels last, so a mel spectrogram is (N, 80 mel bins, T frames, 1 channel) and a
Conv2D kernel has shape (3, 3, in_channels, out_channels).
"""
from tensorflow import keras
from tensorflow.keras import layers


def build_phoneme_cnn(num_mels=80, num_frames=64, num_phonemes=40):
    """Mel spectrogram (N, 80, 64, 1) to phoneme probabilities (N, 40)."""
    return keras.Sequential(
        [
            keras.Input(shape=(num_mels, num_frames, 1)),
            layers.Conv2D(32, 3, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            # A 1x1 convolution: a dense layer on every time-frequency cell, 64 -> 16 channels.
            layers.Conv2D(16, 1, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dropout(0.3),
            layers.Dense(num_phonemes, activation="softmax"),
        ],
        name="phoneme_cnn",
    )


model = build_phoneme_cnn()
