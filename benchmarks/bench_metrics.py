"""Metric speed: the structured MLP NTK and the one-VJP centroid against the straightforward computations.

- NTK of a 2-hidden-layer MLP (D=100, width 256, scalar output): the per-sample `autograd.grad` loop plus Gram
  matrix, the generic `vmap(jacrev)` + contraction, and the layer-wise structured form.
- Centroid J_xᵀ1 of an MLP 784-196-196-196-10 (GrokAlign's image model): the full input Jacobian by `vmap(jacrev)`
  then summed over outputs, against one vector-Jacobian product.
All variants run alternately in the same process and are checked to agree.
Usage: python benchmarks/bench_metrics.py [--quick]
"""

import torch

from grok_explore.core import seed_everything
from grok_explore.jacobian import centroid, input_jacobian
from grok_explore.models import MLP
from grok_explore.ntk import empirical_ntk, ntk_loop

from common import alternating_medians, quick_flag, timed


def median_times(functions: dict, repeats: int) -> dict:
    "Median wall time of each function, run alternately `repeats` times (after one warm-up call each)."
    for fn in functions.values():
        fn()
    return alternating_medians({name: (lambda fn=fn: timed(fn)) for name, fn in functions.items()}, repeats)


def report(title, medians, baseline):
    print(f"\n{title}")
    for name, t in medians.items():
        print(f"  {name:38} {1000 * t:9.2f} ms   speed-up {medians[baseline] / t:7.1f}x")


def main():
    quick = quick_flag(__doc__, 'fewer points and repeats (under 2 minutes)')
    n_ntk, n_centroid, repeats = (256, 1000, 3) if quick else (512, 1000, 5)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, cpu")

    seed_everything(0)
    mlp = MLP([100, 256, 256, 1])
    x = torch.randn(n_ntk, 100) / 10
    ntk = {
        'per-sample autograd.grad loop + Gram': lambda: ntk_loop(mlp, x),
        'vmap(jacrev) + contraction': lambda: empirical_ntk(mlp, x, method='jacobian'),
        'structured (layer-wise)': lambda: empirical_ntk(mlp, x, method='structured'),
    }
    reference = ntk_loop(mlp, x)
    for name, fn in ntk.items():
        assert torch.allclose(fn(), reference, rtol=1e-4, atol=1e-5 * reference.abs().max()), name
    medians = median_times(ntk, repeats)
    report(
        f"empirical NTK, MLP 100-256-256-1 on {n_ntk} points (median of {repeats})",
        medians,
        'per-sample autograd.grad loop + Gram',
    )
    ntk_speedup = medians['per-sample autograd.grad loop + Gram'] / medians['structured (layer-wise)']

    image_mlp = MLP([784, 196, 196, 196, 10], bias=False, init_scale=8)
    images = torch.rand(n_centroid, 784)
    cent = {
        'full Jacobian (vmap jacrev), summed': lambda: input_jacobian(image_mlp, images).sum(1),
        'one vector-Jacobian product': lambda: centroid(image_mlp, images),
    }
    assert torch.allclose(
        cent['full Jacobian (vmap jacrev), summed'](), cent['one vector-Jacobian product'](), rtol=1e-4, atol=1e-3
    )
    medians = median_times(cent, repeats)
    report(
        f"centroid J_x^T 1, MLP 784-196-196-196-10 (10 outputs) on {n_centroid} inputs (median of {repeats})",
        medians,
        'full Jacobian (vmap jacrev), summed',
    )
    centroid_speedup = medians['full Jacobian (vmap jacrev), summed'] / medians['one vector-Jacobian product']

    print()
    print(f"ntk_speedup = {ntk_speedup:.1f}")
    print(f"centroid_speedup = {centroid_speedup:.1f}")


if __name__ == '__main__':
    main()
