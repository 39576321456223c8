"""Your own PyTorch training loop, recorded: ``Recorder.snapshot()`` once per epoch.

Trains ``nn.Sequential(Linear, Tanh, Linear, LeakyReLU(0.2), Linear)`` on netwarp's
two-spirals data with Adam and cross-entropy, snapshots the parameters after every epoch,
and also saves a ``state_dict`` checkpoint every 15 epochs to show the other route:
``from_checkpoints(model, paths)``. Needs PyTorch (``pip install 'netwarp[torch]'``).

Run: ``python examples/torch_loop.py [OUTPUT_DIR]`` (or set NETWARP_EXAMPLES_OUT; default:
a new temporary directory).
"""

from __future__ import annotations

import torch
from _out import output_dir
from torch import nn

import netwarp
from netwarp.adapters.torch import Recorder, from_checkpoints
from netwarp.view.figures import plot


def main() -> None:
    out = output_dir()
    torch.manual_seed(0)
    data = netwarp.data.datasets.load("spirals")
    X = torch.tensor(data.X_train, dtype=torch.float64)
    y = torch.tensor(data.y_train)

    model = nn.Sequential(
        nn.Linear(2, 8), nn.Tanh(),
        nn.Linear(8, 3), nn.LeakyReLU(0.2),
        nn.Linear(3, 2),  # logits: the trajectory applies softmax
    ).double()  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()

    rec = Recorder(model, output_activation="softmax", name="torch spirals")
    rec.snapshot()  # epoch 0: the initialisation
    checkpoints = []
    for epoch in range(1, 151):
        for batch in torch.randperm(len(X)).split(100):
            optimizer.zero_grad()
            loss = loss_fn(model(X[batch]), y[batch])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            full_loss = loss_fn(model(X), y).item()
        rec.snapshot(loss=full_loss)
        if epoch % 15 == 0:
            path = out / f"spirals-{epoch:03d}.pt"
            torch.save(model.state_dict(), path)
            checkpoints.append(path)

    traj = rec.trajectory(data.X_train, data.y_train, data.X_test, data.y_test, dataset_name="spirals")
    print(f"{traj.n_epochs} epochs, layers {traj.layer_sizes}, activations {traj.activations}")
    print(f"test accuracy {traj.test_score[0]:.3f} at epoch 0, {traj.test_score[-1]:.3f} at the end")
    netwarp.save(traj, out / "torch-spirals.npz")
    plot(traj).savefig(out / "torch-spirals.png", dpi=80)

    # The same network from its checkpoints (every 15th epoch), read with weights_only=True.
    coarse = from_checkpoints(
        model, checkpoints, "softmax", X=data.X_train, y=data.y_train, X_test=data.X_test, y_test=data.y_test,
        name="checkpoints", dataset_name="spirals",
    )  # fmt: skip
    print(f"{len(checkpoints)} checkpoints: test accuracy {coarse.test_score[-1]:.3f} at the last")
    netwarp.save(coarse, out / "torch-checkpoints.npz")
    print(f"wrote {out / 'torch-spirals.npz'}, {out / 'torch-spirals.png'} and {out / 'torch-checkpoints.npz'}")


if __name__ == "__main__":
    main()
