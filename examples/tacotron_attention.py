"""Learning to align: Tacotron-style additive attention between mel frames and text.

The encoder turns T characters into T encoder frames (the memory). For every decoder step
(here: every one of F mel frames, teacher-forced as in training) additive attention scores each
encoder frame, turns the scores into weights with a softmax over the T frames, and takes the
weighted sum of the memory as its context. The (F, T) weight matrix is the alignment: for
speech it should be close to a diagonal, since we read the text from left to right.
"""
import torch
from torch import nn
import torch.nn.functional as F


class AdditiveAttention(nn.Module):
    """Bahdanau attention: energy = v · tanh(W_q q + W_m m), one energy per (step, frame) pair."""

    def __init__(self, query_dim: int, memory_dim: int, attention_dim: int = 128):
        super().__init__()
        self.query_layer = nn.Linear(query_dim, attention_dim, bias=False)
        self.memory_layer = nn.Linear(memory_dim, attention_dim, bias=False)
        self.v = nn.Linear(attention_dim, 1, bias=False)

    def forward(self, query: torch.Tensor, memory: torch.Tensor):
        # Broadcasting pairs every decoder step with every encoder frame:
        # (N, F, 1, A) + (N, 1, T, A) -> (N, F, T, A).
        processed_query = self.query_layer(query).unsqueeze(2)
        processed_memory = self.memory_layer(memory).unsqueeze(1)
        energies = self.v(torch.tanh(processed_query + processed_memory)).squeeze(-1)
        # Softmax over the encoder frames: each decoder step's weights sum to one.
        weights = F.softmax(energies, dim=-1)
        # (N, F, T) · (N, T, M) = (N, F, M): one context vector per decoder step.
        context = torch.bmm(weights, memory)
        return context, weights


class TacotronAligner(nn.Module):
    """Characters (N, T) and mel frames (N, F, 80) to predicted frames and the (N, F, T) alignment."""

    def __init__(
        self,
        num_symbols: int = 148,
        embedding_dim: int = 256,
        encoder_dim: int = 256,
        num_mels: int = 80,
        prenet_dim: int = 128,
        decoder_dim: int = 256,
        attention_dim: int = 128,
    ):
        super().__init__()
        self.embedding = nn.Embedding(num_symbols, embedding_dim)
        # Half the features read the text forwards, half backwards.
        self.encoder = nn.LSTM(embedding_dim, encoder_dim // 2, batch_first=True, bidirectional=True)
        self.prenet = nn.Sequential(nn.Linear(num_mels, prenet_dim), nn.ReLU(), nn.Dropout(0.5))
        self.decoder_rnn = nn.GRU(prenet_dim, decoder_dim, batch_first=True)
        self.attention = AdditiveAttention(decoder_dim, encoder_dim, attention_dim)
        self.frame_projection = nn.Linear(decoder_dim + encoder_dim, num_mels)

    # layer-lens: text: (N, T):long, mel: (N, F, 80)
    def forward(self, text: torch.Tensor, mel: torch.Tensor):
        memory, _ = self.encoder(self.embedding(text))
        queries, _ = self.decoder_rnn(self.prenet(mel))
        context, alignment = self.attention(queries, memory)
        frames = self.frame_projection(torch.cat([queries, context], dim=-1))
        return frames, alignment
