"""WaveNet: an autoregressive model of audio built from causal dilated convolutions.

Inputs are one-hot quantised samples (N, 256, T). A 1x1 convolution projects them (the same as a
feed-forward layer on every sample); then each layer is a causal convolution with kernel 2 whose
dilation doubles: 1, 2, 4. Three such layers see a context of 8 samples; two consecutive blocks
of the same architecture see 16 - 1 = 15. The output is the sum of every layer's "skip" output,
and it predicts a distribution over the next sample's 256 values.
"""
import torch
from torch import nn
import torch.nn.functional as F


class CausalConv1d(nn.Conv1d):
    """A Conv1d that only looks into the past: (k - 1) * d zeros on the left, none on the right."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 2, dilation: int = 1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.left_padding = (kernel_size - 1) * dilation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Padding only on the left keeps the length T and makes output t depend on inputs <= t.
        return super().forward(F.pad(x, (self.left_padding, 0)))


class ResidualLayer(nn.Module):
    """One dilated layer: gated activation, then a residual 1x1 conv and a skip 1x1 conv."""

    def __init__(self, residual_channels: int, skip_channels: int, dilation: int):
        super().__init__()
        self.filter_conv = CausalConv1d(residual_channels, residual_channels, 2, dilation)
        self.gate_conv = CausalConv1d(residual_channels, residual_channels, 2, dilation)
        self.residual_conv = nn.Conv1d(residual_channels, residual_channels, kernel_size=1)
        self.skip_conv = nn.Conv1d(residual_channels, skip_channels, kernel_size=1)

    def forward(self, x: torch.Tensor):
        # The gate (sigmoid, between 0 and 1) decides how much of the filter (tanh) passes.
        z = torch.tanh(self.filter_conv(x)) * torch.sigmoid(self.gate_conv(x))
        return x + self.residual_conv(z), self.skip_conv(z)


class WaveNet(nn.Module):
    """One-hot audio (N, 256, T) to logits of the next sample (N, 256, T)."""

    def __init__(
        self,
        layers_per_block: int = 3,
        blocks: int = 2,
        residual_channels: int = 32,
        skip_channels: int = 64,
        quantization_channels: int = 256,
    ):
        super().__init__()
        self.input_projection = nn.Conv1d(quantization_channels, residual_channels, kernel_size=1)
        # Dilations 1, 2, 4, 1, 2, 4: the pattern restarts at the start of every block.
        self.layers = nn.ModuleList(
            [
                ResidualLayer(residual_channels, skip_channels, dilation=2 ** (i % layers_per_block))
                for i in range(blocks * layers_per_block)
            ]
        )
        self.output_head = nn.Sequential(
            nn.ReLU(),
            nn.Conv1d(skip_channels, skip_channels, kernel_size=1),
            nn.ReLU(),
            nn.Conv1d(skip_channels, quantization_channels, kernel_size=1),
        )

    # layer-lens: x: (N, 256, T)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.input_projection(x)
        skips = []
        for layer in self.layers:
            x, skip = layer(x)
            skips.append(skip)
        # The output comes from the sum of every layer's skip output, not from the last layer.
        return self.output_head(torch.stack(skips, dim=0).sum(dim=0))


def wavenet() -> WaveNet:
    """The tutorial's configuration: 2 blocks of 3 layers, a context of 16 - 1 = 15 samples."""
    return WaveNet(layers_per_block=3, blocks=2)
