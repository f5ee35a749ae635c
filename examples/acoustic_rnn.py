"""But acoustic frames are not independent: a recurrent acoustic model.

The feed-forward model predicts every frame on its own. A recurrent layer carries a state from
frame to frame; a bidirectional one reads the sentence both ways, so each output frame knows
about the whole sentence. LSTMs add a forget gate to free up "space" in that state.
"""
import torch
from torch import nn


class RecurrentAcousticModel(nn.Module):
    """Linguistic features (N, F, L) to acoustic features (N, F, A) through a bidirectional RNN."""

    def __init__(
        self,
        linguistic_dim: int = 425,
        acoustic_dim: int = 187,
        hidden_dim: int = 256,
        num_layers: int = 2,
        cell: str = "lstm",
    ):
        super().__init__()
        self.input_projection = nn.Linear(linguistic_dim, hidden_dim)
        # Same constructor, two kinds of cell: the flag picks the class.
        rnn_class = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn_class(
            hidden_dim,
            hidden_dim,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=True,
        )
        # Forward and backward states are concatenated, hence 2 * hidden_dim features per frame.
        self.output_projection = nn.Linear(2 * hidden_dim, acoustic_dim)

    # layer-lens: x: (N, F, 425)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.input_projection(x))
        # An LSTM returns (outputs, (h, c)) and a GRU (outputs, h); only the outputs are needed.
        outputs, _ = self.rnn(x)
        return self.output_projection(outputs)
