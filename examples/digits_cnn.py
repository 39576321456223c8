"""The Grand Tour of a small CNN learning scikit-learn's digits, as in Distill's article.

Li, Zhao and Scheidegger's "Visualizing Neural Networks with the Grand Tour" (Distill, 2020)
watches the layers of an MNIST CNN over training. Here a small CNN (two convolutions, a
residual block, a 32-unit hidden layer, 10 logits) learns the 8x8 digits bundled with
scikit-learn for 30 epochs on the CPU; forward hooks record the last hidden layer and the
softmax of 600 fixed points after every epoch (netwarp.adapters.hooks), and the view shows
them like any wide layer: open the HTML file, choose "grand tour" (or press the tour's play
button) and scrub the epochs: the classes, coloured, leave the centre of the softmax one by
one. The epoch at which each digit is first 90 % right is marked, in its colour, on the
training chart (click it to go there) and printed.

Run: ``python examples/digits_cnn.py [OUTPUT_DIR]`` (or set NETWARP_EXAMPLES_OUT).
"""

from __future__ import annotations

import numpy as np
import torch
from _out import output_dir
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import netwarp
from netwarp.adapters.hooks import ActivationRecorder

EPOCHS = 30


class Residual(nn.Module):
    """x + conv(relu(conv(x))): a residual block (its output is recorded like any layer's)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(channels, channels, 3, padding=1))  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.body(x))


def cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),       # 8 x 8 x 8
        Residual(8), nn.MaxPool2d(2),                   # 8 x 4 x 4
        nn.Flatten(), nn.Linear(128, 32), nn.ReLU(),    # the last hidden layer: 32 units
        nn.Linear(32, 10),                              # logits; the recorder shows their softmax
    )  # fmt: skip


def main() -> None:
    out = output_dir()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    digits = load_digits()
    X = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8)
    X_train, X_test, y_train, y_test = train_test_split(X, digits.target, test_size=0.25, random_state=0)
    model = cnn()
    layers = {"last hidden layer": "6", "softmax": "7"}  # module names in the Sequential -> names shown
    rec = ActivationRecorder(model, layers, X_train, y_train, X_test, y_test, sample=600, output="softmax",
                             name="digits CNN")  # fmt: skip
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    Xt, yt = torch.from_numpy(X_train), torch.from_numpy(y_train)
    rng = torch.Generator().manual_seed(0)
    rec.snapshot()
    for _epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(Xt), generator=rng).split(64):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(Xt[batch]), yt[batch])
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        rec.snapshot(loss=total / len(Xt))
    run = rec.recording(dataset_name="digits")
    netwarp.save(run, out / "digits-cnn.npz")
    netwarp.plot(run, epoch=EPOCHS).savefig(out / "digits-cnn.png")
    view = {"proj": {"0.1": "tour2", "0.2": "tour2"}, "epoch": EPOCHS}
    netwarp.export_html(run, out / "digits-cnn.html", view=view)
    moments = ", ".join(f"{m['label']}: {m['epoch']}" for m in run.config["marks"])
    print(f"test accuracy {run.test_score[-1]:.3f} after {EPOCHS} epochs; "
          f"epoch at which each digit is first 90 % right (marked on the training chart): {moments}")  # fmt: skip
    print(f"wrote {out / 'digits-cnn.npz'}, {out / 'digits-cnn.png'} and {out / 'digits-cnn.html'}")


if __name__ == "__main__":
    main()
