"""Edge extraction with a hand-crafted kernel: the Laplacian filter.

Before learning kernels, image processing defined them by hand. This 3x3 kernel responds to
edges; sliding it over the tutorial's 6x6 image (no padding, stride 1) gives a 4x4 result:

    (6 x 6) * (3 x 3) = (4 x 4)

A CNN layer is the same operation with a kernel that is learned instead of written down.
"""
import torch
from torch import nn

LAPLACIAN = torch.tensor(
    [
        [0.0, 1.0, 0.0],
        [1.0, -4.0, 1.0],
        [0.0, 1.0, 0.0],
    ]
)


class LaplacianEdges(nn.Module):
    """One input channel, one output channel, one fixed 3x3 kernel."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, kernel_size=3, bias=False)
        # Freeze the kernel: this layer is hand-crafted, not learned.
        self.conv.weight = nn.Parameter(LAPLACIAN.view(1, 1, 3, 3), requires_grad=False)

    # layer-lens: x: (N, 1, 6, 6)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)
