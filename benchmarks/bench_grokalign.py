"""Cost of one GrokAlign training step over a plain step, same model, same batch, measured side by side.

GrokAlign's image model (MLP 784-196-196-196-10 without biases, initial weights x 8, AdamW lr 1e-3 wd 0.01, MSE on
one-hot targets), full-batch steps on random MNIST-shaped inputs (step time depends only on shapes). Variants: a
plain step; GrokAlign with the default one-projection estimate (VJP inside the same graph); the same on a random
quarter of the batch (`subsample=0.25`, a separate forward); GrokAlign with the exact norm (C batched VJPs).
Reported for two batch sizes and two output sizes.

Steps to grokking (`grokalign_steps_speedup`): modular addition p=31, 70% train, MLP 62-128-31, AdamW lr 3e-3 with
weight decay 1 (the demo's recipe), test accuracy >= 95%, with and without GrokAlign (lam=1e-2), over seeds.
Usage: python benchmarks/bench_grokalign.py [--quick]
"""
import statistics
import time

import torch

from grok_explore.core import seed_everything
from grok_explore.data import TensorData, modular_arithmetic
from grok_explore.learner import Learner, StopWhen, grokked
from grok_explore.models import MLP
from grok_explore.regularisers import GrokAlign

from common import alternating_medians, quick_flag


def step_time(batch: int, outputs: int, callbacks, steps: int) -> float:
    "Seconds per step of a fresh learner (after 3 warm-up steps)."
    seed_everything(0)
    x = torch.rand(batch, 784)
    y = torch.nn.functional.one_hot(torch.randint(0, outputs, (batch,)), outputs).float()
    learner = Learner(MLP([784, 196, 196, 196, outputs], bias=False, init_scale=8), TensorData(x, y, x[:10], y[:10]),
                      lr=1e-3, weight_decay=0.01, metrics_every=None, progress=False, callbacks=callbacks)
    learner.fit(3)
    start = time.perf_counter()
    learner.fit(steps)
    return (time.perf_counter() - start) / steps


def steps_to_grok(lam: float, seed: int, max_steps: int = 20_000) -> int | None:
    "First step with test accuracy >= 95% on modular addition (p=31, 70% train), weight decay 1, GrokAlign if lam > 0."
    seed_everything(seed)
    data = modular_arithmetic(p=31, train_fraction=0.7, seed=seed, device='cpu')
    callbacks = [StopWhen(grokked(0.95), 'grokked')] + ([GrokAlign(lam)] if lam else [])
    learner = Learner(MLP([data.input_dim, 128, data.n_classes]), data, lr=3e-3, weight_decay=1.0, metrics_every=10,
                      progress=False, callbacks=callbacks)
    return learner.fit(max_steps).first_step('test', 'accuracy', 0.95)


def main():
    quick = quick_flag(__doc__, 'fewer steps and repeats (under 2 minutes)')
    steps, repeats = (20, 3) if quick else (60, 5)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, cpu; median of {repeats} alternating runs of {steps} steps")
    variants = {'plain': lambda: [], 'GrokAlign (1 projection)': lambda: [GrokAlign(1e-4)],
                'GrokAlign (1 proj., 1/4 batch)': lambda: [GrokAlign(1e-4, subsample=0.25)],
                'GrokAlign (exact)': lambda: [GrokAlign(1e-4, exact=True)]}
    ratios = {}
    for batch, outputs in [(200, 10), (1024, 10), (200, 100)]:
        medians = alternating_medians({name: (lambda make=make: step_time(batch, outputs, make(), steps)) for name, make in variants.items()}, repeats)
        print(f"\nbatch {batch}, {outputs} outputs")
        for name, t in medians.items(): print(f"  {name:26} {1000 * t:7.2f} ms/step   {t / medians['plain']:.2f}x plain")
        ratios[(batch, outputs)] = medians['GrokAlign (1 projection)'] / medians['plain']
        ratios[(batch, outputs, 'quarter')] = medians['GrokAlign (1 proj., 1/4 batch)'] / medians['plain']
    seeds = (0,) if quick else (0, 1, 2)
    print(f"\nsteps to 95% test accuracy, modular addition p=31 (70% train), AdamW wd=1, seeds {seeds}")
    speedups = []
    for seed in seeds:
        base, aligned = steps_to_grok(0.0, seed), steps_to_grok(1e-2, seed)
        speedups.append(base / aligned)
        print(f"  seed {seed}: weight decay alone {base:6d} steps, + GrokAlign(1e-2) {aligned:6d} steps, {base / aligned:.1f}x sooner")
    print()
    print(f"grokalign_steps_speedup = {statistics.median(speedups):.1f}")
    print(f"grokalign_step_cost_ratio = {ratios[(200, 10)]:.2f}")
    print(f"grokalign_step_cost_ratio_batch1024 = {ratios[(1024, 10)]:.2f}")
    print(f"grokalign_step_cost_ratio_quarter_batch = {ratios[(200, 10, 'quarter')]:.2f}")
    print(f"grokalign_step_cost_ratio_quarter_batch1024 = {ratios[(1024, 10, 'quarter')]:.2f}")


if __name__ == '__main__':
    main()
