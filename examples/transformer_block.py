"""Self-attention: every position of a sequence attends to every earlier position.

The same pre-norm Transformer block is written twice: once with attention by hand, so that each
matrix multiplication is visible ((N, 4, T, 64) · (N, 4, 64, T) = (N, 4, T, T)), and once with
PyTorch's nn.MultiheadAttention. The tiny language model at the bottom stacks one of each, so
their hovers can be compared side by side.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    """Multi-head scaled dot-product attention with a causal mask, written out."""

    def __init__(self, d_model: int = 256, n_heads: int = 4, dropout: float = 0.1):
        super().__init__()
        assert d_model % n_heads == 0, "each head gets an equal share of the features"
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, D = x.shape
        # Split the features into heads: (B, T, D) -> (B, n_heads, T, head_dim).
        q = self.query(x).view(B, T, self.n_heads, self.head_dim).transpose(1, 2)
        k = self.key(x).view(B, T, self.n_heads, self.head_dim).transpose(1, 2)
        v = self.value(x).view(B, T, self.n_heads, self.head_dim).transpose(1, 2)
        # Scaling by sqrt(head_dim) keeps the softmax from saturating as head_dim grows.
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        # Position t may not look at positions after t: those scores become -inf.
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=x.device), diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))
        weights = self.dropout(F.softmax(scores, dim=-1))
        y = weights @ v
        # Put the heads back side by side: (B, n_heads, T, head_dim) -> (B, T, D).
        y = y.transpose(1, 2).contiguous().view(B, T, D)
        return self.out(y)


class FeedForward(nn.Module):
    """The position-wise feed-forward network: the same two Linear layers on every position."""

    def __init__(self, d_model: int = 256, d_ff: int = 1024, dropout: float = 0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model), nn.Dropout(dropout)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class HandWrittenBlock(nn.Module):
    """Pre-norm block: x + attention(norm(x)), then x + feed_forward(norm(x))."""

    def __init__(self, d_model: int = 256, n_heads: int = 4, d_ff: int = 1024, dropout: float = 0.1):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.attention = CausalSelfAttention(d_model, n_heads, dropout)
        self.norm2 = nn.LayerNorm(d_model)
        self.feed_forward = FeedForward(d_model, d_ff, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.feed_forward(self.norm2(x))


class TransformerBlock(nn.Module):
    """The same block with nn.MultiheadAttention, which also returns the head-averaged weights."""

    def __init__(self, d_model: int = 256, n_heads: int = 4, d_ff: int = 1024, dropout: float = 0.1):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.attention = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.norm2 = nn.LayerNorm(d_model)
        self.feed_forward = FeedForward(d_model, d_ff, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        T = x.size(1)
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=x.device), diagonal=1)
        h = self.norm1(x)
        attended, _ = self.attention(h, h, h, attn_mask=future)
        x = x + attended
        return x + self.feed_forward(self.norm2(x))


class TinyLanguageModel(nn.Module):
    """Token ids (N, T) to next-token logits (N, T, vocab_size)."""

    def __init__(self, vocab_size: int = 1000, d_model: int = 256, n_heads: int = 4, max_len: int = 128):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(
            [HandWrittenBlock(d_model, n_heads), TransformerBlock(d_model, n_heads)]
        )
        self.norm = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)

    # layer-lens: tokens: (N, T):long
    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(tokens.size(1), device=tokens.device)
        x = self.token_embedding(tokens) + self.position_embedding(positions)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))
