"""A model with a deliberate shape error, for the diagnostics demo.

The convolutions end with 64 channels, but the classifier was written for 32: after pooling and
flattening, (N, 64) · (32, 10) cannot be multiplied because the inner dimensions 64 and 32 differ.
PyTorch only notices when the model runs; Layer Lens marks the line while you type. The fix is
`nn.Linear(64, num_classes)`, or better `nn.Linear(2 * channels, num_classes)`.
"""
import torch
from torch import nn
import torch.nn.functional as F


class BrokenDigitClassifier(nn.Module):
    """Digit images (N, 1, 28, 28) to 10 scores: except that it does not run."""

    def __init__(self, channels: int = 32, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, 2 * channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        # The mistake: conv2 gives 2 * channels = 64 features, not 32.
        self.classifier = nn.Linear(32, num_classes)

    # layer-lens: x: (N, 1, 28, 28)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.mean(dim=(2, 3))
        return self.classifier(x)
