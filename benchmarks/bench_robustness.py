"""Delayed robustness: adversarial accuracy over long digits runs, with and without GrokAlign.

Setting: Omnigrok's image recipe on scikit-learn digits (`recipe.image_mlp`: 1,000 train / 797 test, bias-free MLP
64-196-196-196-10 with initial weights x8, MSE on one-hot targets, AdamW lr 1e-3) with the tuned knobs of
benchmarks/README.md (weight decay 1; GrokAlign lambda 3e-2): "weight decay" against "GrokAlign + weight decay", seeds
0-2, each a fixed 10,000 steps (about eight times the grok step, test accuracy 85%). On the test set, every 250 steps
and at log-spaced steps: clean accuracy, FGSM accuracy and PGD accuracy (10 steps) at eps = 0.1 in L-infinity (pixels
in [0, 1]; `timeline.adversarial_accuracy_metric`).
Saved: benchmarks/results/robustness_digits.csv.gz (tutorial 21 loads it). `--quick`: seed 0, 1,500 steps, not saved.
Usage: python benchmarks/bench_robustness.py [--quick]
"""

import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

from common import quick_flag
from grok_explore.learner import MetricsCallback, grokking_steps
from grok_explore.recipe import image_mlp
from grok_explore.timeline import adversarial_accuracy_metric

RESULTS = Path(__file__).parent / 'results'
EPS = 0.1
METHODS = ('weight decay', 'GrokAlign + weight decay')


def main():
    quick = quick_flag(__doc__)
    torch.set_num_threads(1)
    steps, seeds = (1500, (0,)) if quick else (10_000, (0, 1, 2))
    base = image_mlp(weight_decay=1.0, lam=3e-2, max_steps=steps, every=250, per_decade=10, jacobian_every=None)
    frames = []
    for method in METHODS:
        for seed in seeds:
            lens = MetricsCallback(
                250,
                [adversarial_accuracy_metric(EPS), adversarial_accuracy_metric(EPS, steps=10)],
                splits=('test',),
                per_decade=10,
            )
            learner = replace(base, method=method).learner(seed, [lens])
            start = time.perf_counter()
            learner.fit(steps)
            seconds = time.perf_counter() - start
            fit, grok = grokking_steps(learner.history, grok_threshold=base.threshold)
            frame = learner.history.to_frame()
            frames.append(frame.assign(method=method, seed=seed, fit_step=fit, grok_step=grok, seconds=seconds))
            pgd = dict(zip(*learner.history.series('test', 'pgd10_accuracy')))
            print(
                f'{method}, seed {seed}: grok step {grok} ({seconds:.0f} s); test accuracy '
                f"{learner.history.last('test', 'accuracy'):.3f}; PGD accuracy at the grok step "
                f'{pgd.get(max((s for s in pgd if s <= (grok or 0)), default=0), float("nan")):.3f}, at the end '
                f'{pgd[max(pgd)]:.3f}'
            )
    table = pd.concat(frames, ignore_index=True)
    if not quick:
        table.to_csv(RESULTS / 'robustness_digits.csv.gz', index=False)
    last = table[table.metric.isin(['accuracy', 'fgsm_accuracy', 'pgd10_accuracy']) & (table.split == 'test')]
    final = last[last.step == last.step.max()].pivot_table(index='method', columns='metric', values='value')
    print(final.round(3).to_markdown())
    for method in METHODS:
        key = method.replace(' + ', '_').replace(' ', '_')
        print(f"robustness_final_pgd_{key} = {final.loc[method, 'pgd10_accuracy']:.3f}")


if __name__ == '__main__':
    main()
