"""A script in the style of most tutorials: a class whose constructor needs its sizes, an instance
built with them at module level, and a batch the script makes and runs through it. Layer Lens reads
the model the script builds (`model`, listed at its assignment) and its input from the script's own
call, so every line of forward() shows the shapes of that batch."""
import torch
from torch import nn


class TabularClassifier(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.fc = nn.Linear(features, hidden)
        self.norm = nn.BatchNorm1d(hidden)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x):
        h = torch.relu(self.norm(self.fc(x)))
        return self.out(h)


model = TabularClassifier(40, 64, 21)
x = torch.randn(8, 40)
with torch.no_grad():
    logits = model(x)
