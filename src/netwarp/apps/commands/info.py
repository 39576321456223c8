"""``netwarp info``: what a trajectory file holds."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "info",
        help="describe a trajectory file",
        description="Describe every run in a trajectory file, with topology diagnostics per layer: "
        "is the layer a homeomorphism (det, singular values), how well a linear read-out fitted on the "
        "training points classifies the test points (the output's: the test accuracy; the training-set "
        "separability in brackets), and how much it stretches space.",
    )
    p.add_argument("file", help="a .npz trajectory written by netwarp")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--epoch", type=int, help="epoch of the diagnostics (default: the last; negative counts back)")
    p.add_argument("--no-diagnostics", action="store_true",
                   help="skip the topology diagnostics (homeomorphism, read-out, stretching)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from netwarp.core.files import load_all

    runs = load_all(args.file)
    from netwarp.view.diagnostics import diagnose, format_summary

    summaries = [t.summary() for t in runs]
    for t, s in zip(runs, summaries, strict=True):
        if t.data is not None:
            s["data"] = {"name": t.data.name, "train": len(t.data.y_train), "test": len(t.data.y_test)}
        if not args.no_diagnostics and t.data is not None and len(t.data.X) and not t.recorded:
            if np.ndim(t.data.y) != 1:  # several labels or outputs per point: diagnostics take one
                s["diagnostics_skipped"] = f"{np.shape(t.data.y)[1]} targets per point; the diagnostics take one"
            else:
                e = t.epoch_index(args.epoch)
                s["diagnostics"] = diagnose(t, epochs=[e]).summary(e)
    if args.json:
        print(json.dumps(summaries, indent=2))
        return 0
    print(f"{args.file}: {len(runs)} run(s)")
    for i, s in enumerate(summaries):
        layers = " -> ".join(str(v) for v in s["layers"])
        print(f"run {i} {s['name']!r}: layers {layers}, {s['activation']} hidden, {s['out_activation']} output")
        print(f"  epochs {s['epochs']}: {s['stop_reason']}")
        print(f"  loss {s['loss']:.5f}, train score {s['train_score']:.4f}, test score {s['test_score']:.4f}")
        if "data" in s:
            d = s["data"]
            print(f"  data {d['name'] or '(unnamed)'}: {d['train']} train / {d['test']} test points")
        if "recorded_layers" in s:  # a Recording: activations of its sample, no parameters to diagnose
            print(f"  recorded activations of {s['sample_points']} points: {', '.join(s['recorded_layers'])}")
        if s["classes"] is not None:
            print(f"  classes {', '.join(s['classes'])}")
        if "diagnostics" in s:
            for line in format_summary(s["diagnostics"]):
                print("  " + line)
        if "diagnostics_skipped" in s:
            print(f"  diagnostics skipped: {s['diagnostics_skipped']}")
    return 0
