"""A file caught in the middle of typing: the normal case for an editor.

The first model is complete. The second is being written: its constructor stops mid-call and
forward() uses a layer that does not exist yet. Layer Lens should still show every shape it can
infer for the first model (and for the part of the second that is written) and report the rest
as findings, without ever failing. This file is not valid Python on purpose.
"""
import torch
from torch import nn


class Encoder(nn.Module):
    """A complete model: (N, 1, 28, 28) to (N, 16, 7, 7)."""

    def __init__(self, channels: int = 16):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    # layer-lens: x: (N, 1, 28, 28)
    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        return self.pool(torch.relu(self.conv2(x)))


class Classifier(nn.Module):
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.encoder = Encoder()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(16 * 7 * 7, 
        self.output = nn.Linear(128, num_classes)

    # layer-lens: x: (N, 1, 28, 28)
    def forward(self, x):
        x = self.flatten(self.encoder(x))
        x = torch.relu(self.hidden(x))
        return self.output(self.dropout(x
