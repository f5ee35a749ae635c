"""Learn information from a spectrogram: a CNN that classifies phoneme identity.

The input is a mel spectrogram treated as a one-channel image: (N, 1, 80 mel bins, T frames).
Early kernels learn edges and patterns; later feature maps represent higher-level information,
and a classifier on top predicts one of the phonemes. Hover over a convolution to see how far
into the spectrogram one of its output units sees (its receptive field).
"""
import torch
from torch import nn
import torch.nn.functional as F


class PhonemeCNN(nn.Module):
    """Mel spectrogram (N, 1, 80, T) to phoneme scores (N, num_phonemes)."""

    def __init__(self, num_phonemes: int = 40, channels: int = 32, bottleneck: int = 16):
        super().__init__()
        self.block1 = self._conv_block(1, channels)
        self.block2 = self._conv_block(channels, 2 * channels)
        # A 1x1 convolution is a feed-forward layer applied to every time-frequency cell:
        # it reduces 64 channels to 16 without looking at neighbours.
        self.reduce = nn.Conv2d(2 * channels, bottleneck, kernel_size=1)
        # Average whatever height and width remain, so any number of frames T works.
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(bottleneck, num_phonemes)

    @staticmethod
    def _conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
        # Each input channel has its own 3x3 kernel; their results are summed per output channel.
        return nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),
        )

    # layer-lens: x: (N, 1, 80, T)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block1(x)
        x = self.block2(x)
        x = F.relu(self.reduce(x))
        x = torch.flatten(self.pool(x), 1)
        return self.classifier(x)
