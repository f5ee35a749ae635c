"""Predicting plant species: the tutorial's first model, a single linear layer.

Each flower is described by D = 4 measurements (petal length, petal width, sepal length, sepal
width). One weight per (measurement, species) pair turns those measurements into a score per
species, so the whole model is a matrix multiplication:

    X · W = Y        (N, D) · (D, 2) = (N, 2)

Hover over `self.linear` to see that slide's notation: the shapes cancel in the middle.
"""
import torch
from torch import nn


class SpeciesClassifier(nn.Module):
    """Scores N flowers for each of `num_species` species (Setosa, Versicolour, ...)."""

    def __init__(self, num_features: int = 4, num_species: int = 2):
        super().__init__()
        # W has D * 2 weights, plus one bias per species: 4 * 2 + 2 = 10 parameters.
        self.linear = nn.Linear(num_features, num_species)

    # layer-lens: x: (N, 4)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = self.linear(x)
        # Softmax turns the scores of each flower into probabilities that sum to one.
        return torch.softmax(scores, dim=-1)
