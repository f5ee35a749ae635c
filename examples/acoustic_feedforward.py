"""Can we just plug in our speech? A feed-forward acoustic model.

A sentence is F frames of linguistic features (L numbers each: phone identity, position in the
syllable, ...). Each frame is treated like one flower in the species classifier: the same layers
map it to A acoustic features, independently of its neighbours.

    X · W = Y        (F, L) · (L, A) = (F, A)

With a batch of N sentences the frames simply ride along: nn.Linear acts on the last dimension,
so (N, F, L) becomes (N, F, A).
"""
import torch
from torch import nn


class FeedForwardAcousticModel(nn.Module):
    """Linguistic features (N, F, L) to acoustic features (N, F, A), frame by frame."""

    def __init__(
        self,
        linguistic_dim: int = 425,
        acoustic_dim: int = 187,
        hidden_dim: int = 256,
        num_hidden: int = 3,
        dropout: float = 0.1,
    ):
        super().__init__()
        layers = []
        in_dim = linguistic_dim
        # Build the hidden layers in a loop: each one is (…, in_dim) · (in_dim, hidden_dim).
        for _ in range(num_hidden):
            layers += [nn.Linear(in_dim, hidden_dim), nn.Tanh(), nn.Dropout(dropout)]
            in_dim = hidden_dim
        self.hidden = nn.Sequential(*layers)
        # A linear output layer, because acoustic features are real numbers, not classes.
        self.output = nn.Linear(hidden_dim, acoustic_dim)

    # layer-lens: x: (N, F, 425)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.hidden(x))
