"""Timeline: what recording every lens at 40 log-spaced points costs, against the same run without it.

Setting: a + b mod 31, MLP 62-128-31, 80% of pairs for training, full-batch AdamW lr 3e-3, weight decay 1
(`recipe.modular_mlp`), until twice the grok step (at most 6,000 steps). For each seed, in turns: the plain run
(`sweeps.start_point(...).fit`) and `timeline.timeline` (the same run keeping 40 snapshots, then every lens replayed on
them: loss and accuracy on both splits, weight norm, Jacobian norm, centroid alignment, NTK alignment and change, local
complexity, exact region count, Nanda et al.'s three measures). Overhead = timeline wall time / plain wall time - 1,
median over seeds (paired). `--quick`: 90% of pairs for training, seeds 0 and 1.
Usage: python benchmarks/bench_timeline.py [--quick]
"""

import statistics
import time

import torch

from common import quick_flag
from grok_explore.recipe import modular_mlp
from grok_explore.sweeps import start_point
from grok_explore.timeline import timeline


def main():
    quick = quick_flag(__doc__)
    torch.set_num_threads(1)
    share, seeds = (0.9, (0, 1)) if quick else (0.8, (0, 1, 2))
    setting = modular_mlp(
        p=31, train_fraction=share, method='weight decay', jacobian_every=None, max_steps=6000, run_past=2.0
    )
    print(f'modular addition p = 31, {share:.0%} train, MLP 62-128-31, until twice the grok step; 40 points')
    print('| seed | steps | plain run s | timeline s (training + lenses) | overhead |')
    print('|---|---|---|---|---|')
    overheads, lens_shares = [], []
    for seed in seeds:
        learner = start_point(setting, seed)
        start = time.perf_counter()
        learner.fit(setting.max_steps)
        plain = time.perf_counter() - start
        run = timeline(setting, seed, points=40)
        total = run.train_seconds + run.lens_seconds
        overheads.append(total / plain - 1)
        lens_shares.append(run.lens_seconds / plain)
        print(
            f'| {seed} | {learner.step:,} | {plain:.2f} | {total:.2f} ({run.train_seconds:.2f} + '
            f'{run.lens_seconds:.2f}) | {overheads[-1]:.0%} |'
        )
    print()
    print(f'timeline_overhead = {statistics.median(overheads):.3f}')
    print(f'timeline_lens_share = {statistics.median(lens_shares):.3f}')


if __name__ == '__main__':
    main()
