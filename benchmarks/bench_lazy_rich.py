"""Kumar et al.'s Fig. 1 alpha sweep: the batched sufficient-statistics dynamics against a straightforward NumPy loop.

Setting: D=100, P=550, N=500, eps=0.02, eta0=500, alphas (0.25, 0.5, 1, 2, 4), full-batch gradient descent on the
centred committee with lr eta0/alpha^2 and loss 1/2 mean squared error. The reference updates the N x D weights in
NumPy float64, one alpha after another (test loss from a 2,000-point test set every 100 steps). `committee_sweep`
runs all alphas at once on (w_bar, M) in torch float32, test loss from the closed form. Both are timed over the same
number of steps in this run and their trajectories are checked to agree. Usage: python benchmarks/bench_lazy_rich.py [--quick]
"""
import time

import numpy as np
import torch

from grok_explore.committee_dynamics import committee_sweep
from grok_explore.synthetic import polynomial_teacher

from common import quick_flag

ALPHAS = (0.25, 0.5, 1.0, 2.0, 4.0)
D, P, N, EPS, ETA0 = 100, 550, 500, 0.02, 500.0


def numpy_reference(data, alpha, steps, seed=0):
    "The straightforward run: float64 weights, forward, analytic gradient, update; train and test loss every 100 steps."
    X, y = data.x_train.double().numpy(), data.y_train.double().numpy()
    Xt, yt = data.x_test.double().numpy(), data.y_test.double().numpy()
    W = torch.randn(N, D, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).numpy()
    phi = lambda H: (H + 0.5 * EPS * H ** 2).mean(1)
    f0, f0t = phi(X @ W.T), phi(Xt @ W.T)
    lr, losses = ETA0 / alpha ** 2, []
    for step in range(steps + 1):
        H = X @ W.T                                                   # (P, N)
        r = alpha * (phi(H) - f0) - y                                 # (P,)
        if step % 100 == 0: losses.append((0.5 * (r ** 2).mean(), 0.5 * ((alpha * (phi(Xt @ W.T) - f0t) - yt) ** 2).mean()))
        if step == steps: break
        G = (alpha / (N * P)) * r[:, None] * (1 + EPS * H)            # (P, N)
        W -= lr * G.T @ X
    return np.array(losses)


def main():
    quick = quick_flag(__doc__, 'time 500 steps of each instead of 3,000 (under 2 minutes)')
    steps = 500 if quick else 3000
    print(f"torch {torch.__version__}, numpy {np.__version__}, {torch.get_num_threads()} threads, cpu; {steps} steps of {len(ALPHAS)} alphas each way")
    data = polynomial_teacher(d=D, n_train=P, n_test=2000, device='cpu', dtype='float64')

    start = time.perf_counter()
    reference = [numpy_reference(data, alpha, steps) for alpha in ALPHAS]
    numpy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    sweep = committee_sweep(data, ALPHAS, width=N, epsilon=EPS, eta0=ETA0, steps=steps, record_every=100, progress=False)
    sweep_seconds = time.perf_counter() - start

    train_gap = max(np.abs(ref[:, 0] - sweep.train_loss[i].numpy()).max() for i, ref in enumerate(reference))
    test_gap = max(np.abs(ref[-1, 1] - sweep.test_loss[i, -1].item()) / sweep.test_loss[i, -1].item() for i, ref in enumerate(reference))
    print(f"\nNumPy float64, weights, one alpha after another: {numpy_seconds:7.2f} s  ({1000 * numpy_seconds / (steps * len(ALPHAS)):.3f} ms per alpha-step)")
    print(f"committee_sweep float32, (w_bar, M), batched:    {sweep_seconds:7.2f} s  ({1000 * sweep_seconds / (steps * len(ALPHAS)):.3f} ms per alpha-step)")
    print(f"largest train-loss gap {train_gap:.2e}; final test loss: Monte-Carlo (2,000 points) vs closed form within {test_gap:.1%}")
    for i, alpha in enumerate(ALPHAS):
        print(f"  alpha={alpha:<5g} train {sweep.train_loss[i, -1].item():.4f}  test (closed form) {sweep.test_loss[i, -1].item():.4f}  test (NumPy, MC) {reference[i][-1, 1]:.4f}")
    assert train_gap < 1e-3, 'the two runs disagree'
    print()
    print(f"fig1_speedup_vs_numpy = {numpy_seconds / sweep_seconds:.1f}")


if __name__ == '__main__':
    main()
