"""Kumar et al.'s Fig. 1 alpha sweep: the batched sufficient-statistics dynamics against a straightforward NumPy loop.

Setting: D=100, P=550, N=500, eps=0.02, eta0=500, alphas (0.25, 0.5, 1, 2, 4), full-batch gradient descent on the
centred committee with lr eta0/alpha^2 and loss 1/2 mean squared error. The reference updates the N x D weights in
NumPy float64, one alpha after another (test loss from a 2,000-point test set every 100 steps). `committee_sweep`
runs all alphas at once on (w_bar, M) in torch float32, test loss from the closed form. Both are timed over the same
number of steps in this run and their trajectories are checked to agree.

Then the reproduction: Fig. 1 for seven alphas over two decades (0.1 ... 10) to 1e5 steps with the exact lazy limit
and the K0 regression baseline (`alpha_sweep`), and the P x alpha outcome map of the fast setting (D=40, N=100,
eps=0.5, eta0=50; `outcome_map`). Runs are saved to benchmarks/results/lazy_rich_*, plots to nbs/images/lazy_rich_*.png.
Last, the same knob on deep networks (`network_alpha_sweep`): a centred MLP 64-200-200-200-10 on scikit-learn digits
(MSE) and 62-512-31 on a + b mod 31 (cross-entropy), full-batch GD with lr eta0/alpha^2.
`--quick` times 500 steps, runs Fig. 1 to 5,000 steps, the map to 2,000 and the deep networks for 300 steps, and
saves nothing. Usage: python benchmarks/bench_lazy_rich.py [--quick] [--only speed|reproduce|deep]
"""

import argparse
import time
from pathlib import Path

import matplotlib
import numpy as np
import torch

matplotlib.use('Agg')

from grok_explore.committee_dynamics import committee_sweep
from grok_explore.data import modular_arithmetic
from grok_explore.images import digits
from grok_explore.lazy_rich import (
    FAST,
    FIG1,
    alpha_sweep,
    network_alpha_sweep,
    outcome_map,
    plot_alpha_sweep,
    plot_outcome_map,
)
from grok_explore.models import MLP
from grok_explore.synthetic import polynomial_teacher


ROOT = Path(__file__).parent
ALPHAS = (0.25, 0.5, 1.0, 2.0, 4.0)
FIG1_ALPHAS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)
MAP_SIZES, MAP_ALPHAS = (50, 80, 120, 200, 350, 500), (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
D, P, N, EPS, ETA0 = 100, 550, 500, 0.02, 500.0


def numpy_reference(data, alpha, steps, seed=0):
    "The straightforward run: float64 weights, forward, analytic gradient, update; train and test loss every 100 steps."
    X, y = data.x_train.double().numpy(), data.y_train.double().numpy()
    Xt, yt = data.x_test.double().numpy(), data.y_test.double().numpy()
    W = torch.randn(N, D, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).numpy()
    phi = lambda H: (H + 0.5 * EPS * H**2).mean(1)
    f0, f0t = phi(X @ W.T), phi(Xt @ W.T)
    lr, losses = ETA0 / alpha**2, []
    for step in range(steps + 1):
        H = X @ W.T  # (P, N)
        r = alpha * (phi(H) - f0) - y  # (P,)
        if step % 100 == 0:
            losses.append((0.5 * (r**2).mean(), 0.5 * ((alpha * (phi(Xt @ W.T) - f0t) - yt) ** 2).mean()))
        if step == steps:
            break
        G = (alpha / (N * P)) * r[:, None] * (1 + EPS * H)  # (P, N)
        W -= lr * G.T @ X
    return np.array(losses)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='smaller cases, nothing saved (under 2 minutes)')
    parser.add_argument('--only', choices=['speed', 'reproduce', 'deep'], help='one part only')
    args = parser.parse_args()
    figures = {}
    if args.only in (None, 'speed'):
        figures |= speed(args.quick)
    if args.only in (None, 'reproduce'):
        figures |= reproduce(args.quick)
    if args.only in (None, 'deep'):
        figures |= deep_networks(args.quick)
    print()
    for key, value in figures.items():
        print(f"{key} = {value:.1f}" if isinstance(value, float) else f"{key} = {value}")


def speed(quick: bool) -> dict:
    "The batched sweep against the NumPy loop, same steps, same run; checks that their trajectories agree."
    steps = 500 if quick else 3000
    print(
        f"torch {torch.__version__}, numpy {np.__version__}, {torch.get_num_threads()} threads, cpu; {steps} steps of "
        f"{len(ALPHAS)} alphas each way"
    )
    data = polynomial_teacher(d=D, n_train=P, n_test=2000, device='cpu', dtype='float64')

    start = time.perf_counter()
    reference = [numpy_reference(data, alpha, steps) for alpha in ALPHAS]
    numpy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    sweep = committee_sweep(
        data, ALPHAS, width=N, epsilon=EPS, eta0=ETA0, steps=steps, record_every=100, progress=False
    )
    sweep_seconds = time.perf_counter() - start

    train_gap = max(np.abs(ref[:, 0] - sweep.train_loss[i].numpy()).max() for i, ref in enumerate(reference))
    test_gap = max(
        np.abs(ref[-1, 1] - sweep.test_loss[i, -1].item()) / sweep.test_loss[i, -1].item()
        for i, ref in enumerate(reference)
    )
    print(
        f"\nNumPy float64, weights, one alpha after another: {numpy_seconds:7.2f} s  "
        f"({1000 * numpy_seconds / (steps * len(ALPHAS)):.3f} ms per alpha-step)"
    )
    print(
        f"committee_sweep float32, (w_bar, M), batched:    {sweep_seconds:7.2f} s  "
        f"({1000 * sweep_seconds / (steps * len(ALPHAS)):.3f} ms per alpha-step)"
    )
    print(
        f"largest train-loss gap {train_gap:.2e}; final test loss: Monte-Carlo (2,000 points) vs closed form within "
        f"{test_gap:.1%}"
    )
    for i, alpha in enumerate(ALPHAS):
        print(
            f"  alpha={alpha:<5g} train {sweep.train_loss[i, -1].item():.4f}  test (closed form) "
            f"{sweep.test_loss[i, -1].item():.4f}  test (NumPy, MC) {reference[i][-1, 1]:.4f}"
        )
    assert train_gap < 1e-3, 'the two runs disagree'
    return {'fig1_speedup_vs_numpy': numpy_seconds / sweep_seconds}


def reproduce(quick: bool) -> dict:
    """Fig. 1 over two decades of alpha with the lazy limit, and the outcome map; tables printed, runs and plots saved
    unless quick."""
    start = time.perf_counter()
    fig1 = alpha_sweep(FIG1, FIG1_ALPHAS, steps=5000 if quick else 100_000, record_every=100)
    table = fig1.table(threshold=0.1)
    print(
        f"\nFig. 1 setting, {fig1.runs.steps[-1]:,} steps ({time.perf_counter() - start:.0f} s); K0 regression test "
        f"loss {fig1.k0_loss:.4f}, "
        f"linearised model at the end {fig1.lazy.test_loss[-1].item():.4f}"
    )
    print(table.to_markdown(floatfmt='.4g'))
    start = time.perf_counter()
    outcomes = outcome_map(FAST, MAP_SIZES, MAP_ALPHAS, steps=2000 if quick else 20_000)
    grid = outcomes.pivot(index='n_train', columns='alpha', values='outcome')
    print(
        f"\nOutcome map, fast setting, {2000 if quick else 20_000:,} steps, threshold 0.1, grok = generalises >= 2x "
        "later than it fits "
        f"({time.perf_counter() - start:.0f} s)"
    )
    print(grid.to_markdown(floatfmt='.4g'))
    if not quick:
        (ROOT / 'results').mkdir(exist_ok=True)
        fig1.save(ROOT / 'results' / 'lazy_rich_fig1.pt')
        outcomes.to_csv(ROOT / 'results' / 'lazy_rich_outcomes.csv', index=False)
        plot_alpha_sweep(fig1)[0].figure.savefig(
            ROOT.parent / 'nbs' / 'images' / 'lazy_rich_fig1.png', dpi=90, bbox_inches='tight'
        )
        plot_outcome_map(outcomes).figure.savefig(
            ROOT.parent / 'nbs' / 'images' / 'lazy_rich_outcomes.png', dpi=90, bbox_inches='tight'
        )
    steps = table.generalise_step.dropna()
    return {
        'fig1_alphas_generalising': len(steps),
        'fig1_ordering_holds': int(steps.is_monotonic_increasing),
        **{f'fig1_generalise_step_alpha_{alpha:g}': int(step) for alpha, step in steps.items()},
        'outcome_map_groks': int((outcomes.outcome == 'grok').sum()),
    }


def deep_networks(quick: bool) -> dict:
    """The alpha knob on a digits MLP and a modular-addition MLP: when each alpha fits (99% train) and generalises (90%
    test)."""
    steps = 300 if quick else 3000
    cases = {
        'digits, MLP 64-200-200-200-10, MSE, eta0 = 1': (
            lambda: MLP([64, 200, 200, 200, 10]),
            digits(n_train=1000, seed=0, targets='one_hot', device='cpu'),
            'mse',
            (0.3, 3.0, 30.0) if quick else (0.3, 1.0, 3.0, 10.0, 30.0),
        ),
        'a + b mod 31 (50% train), MLP 62-512-31, cross-entropy, eta0 = 1': (
            lambda: MLP([62, 512, 31]),
            modular_arithmetic(p=31, train_fraction=0.5, seed=0, device='cpu'),
            'cross_entropy',
            (0.1, 1.0, 30.0) if quick else (0.1, 0.3, 1.0, 3.0, 10.0, 30.0),
        ),
    }
    figures = {}
    for (name, (model_fn, data, loss, alphas)), key in zip(cases.items(), ('digits', 'modular')):
        start = time.perf_counter()
        table = network_alpha_sweep(model_fn, data, alphas, eta0=1.0, loss=loss, steps=steps, every=50)
        print(f"\n{name}, {steps:,} steps ({time.perf_counter() - start:.0f} s)")
        print(table.drop(columns='stop_reason').to_markdown(floatfmt='.3g'))
        figures[f'{key}_alphas_grokking'] = int((table.outcome == 'grok').sum())
        figures[f'{key}_alphas_generalising'] = int(table.generalise_step.notna().sum())
    return figures


if __name__ == '__main__':
    main()
