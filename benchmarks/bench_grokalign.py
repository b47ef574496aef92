"""GrokAlign: the cost of one training step, and the reproduction of "it groks sooner", side by side in one run.

Step cost: GrokAlign's image model (MLP 784-196-196-196-10 without biases, initial weights x 8, AdamW lr 1e-3 wd
0.01, MSE on one-hot targets), full-batch steps on random MNIST-shaped inputs (step time depends only on shapes),
timed against a plain step in alternation: the default estimator (forward mode, 'input', fused with the task's forward
pass), the same as a separate tangent pass (fused=False, the earlier implementation), with 4 coordinates per direction,
the paper's ('output', a VJP differentiated again), the default on a random quarter of the batch, and the exact norm.
Two batch sizes and two output sizes.

Reproduction (grok_explore.compare): steps until test accuracy crosses the threshold for no regulariser, weight
decay, GrokAlign, Grokfast and the combinations with weight decay, over seeds, in (a) modular addition p=31 with
70% train, MLP 62-128-31, AdamW lr 3e-3, weight decay 1, threshold 95%, and (b) Omnigrok's image recipe on
scikit-learn digits (1,000 train / 797 test, MLP 64-196-196-196-10 without biases, x8 init, MSE, AdamW lr 1e-3,
weight decay 0.01, threshold 85%). Tables are printed as markdown; runs go to benchmarks/results/, plots to
nbs/images/.
(c) modular addition p=31 as tokens into the one-layer transformer, GrokAlign λ = 1e-3 at the token embeddings,
threshold 95%, run only with --only transformer: by default 80% train, d_model 32, d_mlp 128, AdamW lr 3e-3, weight
decay 1, 10,000 steps; --transformer-setting nanda gives the earlier 50% train, d_model 64, d_mlp 256, lr 1e-3.
Usage: python benchmarks/bench_grokalign.py [--quick] [--only cost|modular|image|transformer] [--methods A,B] [--seeds 0,1,2]
"""
import argparse
import statistics
import time
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import torch

from grok_explore.compare import METHODS, Comparison, compare, image_mlp, modular_mlp, modular_transformer, plot_comparison
from grok_explore.core import seed_everything
from grok_explore.data import TensorData
from grok_explore.learner import Learner
from grok_explore.models import MLP
from grok_explore.regularisers import GrokAlign

from common import alternating_runs, paired_ratios

ROOT = Path(__file__).resolve().parent


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


def step_costs(quick: bool) -> dict[str, float]:
    "Time every variant against a plain step; returns the headline ratios."
    steps, repeats = (20, 3) if quick else (30, 11)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, cpu; {repeats} alternating rounds of {steps} steps: "
          "median time, and the median over rounds of the time over the plain step's in the same round")
    variants = {'plain': lambda: [], 'GrokAlign default (input)': lambda: [GrokAlign(1e-4)],
                'default, separate pass': lambda: [GrokAlign(1e-4, fused=False)],
                'default, 4 coordinates': lambda: [GrokAlign(1e-4, n_coordinates=4)],
                'GrokAlign paper (output)': lambda: [GrokAlign(1e-4, estimator='output')],
                'default on 1/4 of the batch': lambda: [GrokAlign(1e-4, subsample=0.25)],
                'exact norm': lambda: [GrokAlign(1e-4, exact=True)]}
    ratios = {}
    for batch, outputs in [(200, 10), (1024, 10), (200, 100)]:
        runs = alternating_runs({name: (lambda make=make: step_time(batch, outputs, make(), steps)) for name, make in variants.items()}, repeats)
        paired = paired_ratios(runs, 'plain')
        print(f"\nbatch {batch}, {outputs} outputs")
        for name, times in runs.items(): print(f"  {name:28} {1000 * statistics.median(times):7.2f} ms/step   {paired[name]:.2f}x plain")
        ratios.update({(batch, outputs, name): r for name, r in paired.items()})
    return {'grokalign_step_cost_ratio': ratios[(200, 10, 'GrokAlign default (input)')],
            'grokalign_step_cost_ratio_batch1024': ratios[(1024, 10, 'GrokAlign default (input)')],
            'grokalign_step_cost_ratio_separate_pass': ratios[(200, 10, 'default, separate pass')],
            'grokalign_step_cost_ratio_paper_estimator': ratios[(200, 10, 'GrokAlign paper (output)')],
            'grokalign_step_cost_ratio_quarter_batch': ratios[(200, 10, 'default on 1/4 of the batch')]}


def reproduce(name: str, setting, methods, seeds, quick: bool, tag: str | None = None) -> Comparison:
    "Run one setting, print its table, save runs and plot as grokalign_<tag> (default: name, plus the methods when not all run)."
    start = time.perf_counter()
    comparison = compare(setting, methods, seeds, progress=False)
    print(f"\n{setting.name}: threshold {setting.threshold:.0%}, at most {setting.max_steps:,} steps, seeds {tuple(seeds)} ({time.perf_counter() - start:.0f} s)")
    print(comparison.markdown())
    if not quick:
        (ROOT / 'results').mkdir(exist_ok=True)
        tag = tag or (name if set(methods) == set(METHODS) else name + '_' + '_'.join(m.replace(' + ', '+').replace(' ', '-') for m in methods))
        comparison.save(ROOT / 'results' / f'grokalign_{tag}.csv.gz')
        axes = plot_comparison(comparison)
        axes[0].figure.savefig(ROOT.parent / 'nbs' / 'images' / f'grokalign_{tag}.png', dpi=90, bbox_inches='tight')
    return comparison


def speedup(comparison: Comparison, fast: str, slow: str, baseline: Comparison | None = None) -> float:
    "Median over seeds of slow steps / fast steps (runs that did not grok count as the steps they ran); `slow` from `baseline` if given."
    (ours, _), (theirs, _) = comparison.grok_steps(fast), (baseline or comparison).grok_steps(slow)
    return float((theirs / ours).median())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='fewer steps, one seed, modular setting only (under 2 minutes)')
    parser.add_argument('--only', choices=['cost', 'modular', 'image', 'transformer'], help='one part only (transformer: only when asked)')
    parser.add_argument('--methods', help=f"comma-separated subset of: {', '.join(METHODS)}")
    parser.add_argument('--seeds', default='0,1,2', help='comma-separated seeds')
    parser.add_argument('--image-steps', type=int, default=30_000, help='step budget of the image setting (default 30,000)')
    parser.add_argument('--transformer-steps', type=int, default=10_000, help='step budget of the transformer setting (default 10,000)')
    parser.add_argument('--transformer-setting', choices=['small', 'nanda'], default='small',
                        help='small: 80%% train, d_model 32, lr 3e-3 (groks in ~1,000 steps); nanda: 50%% train, d_model 64, lr 1e-3')
    parser.add_argument('--tag', help='name of the saved runs and plot (default: setting name, plus the methods when not all run)')
    args = parser.parse_args()
    methods = tuple(args.methods.split(',')) if args.methods else METHODS
    seeds = (0,) if args.quick else tuple(int(s) for s in args.seeds.split(','))
    figures = {}
    if args.only in (None, 'cost'): figures |= step_costs(args.quick)
    if args.only in (None, 'modular'):
        quick_methods = ('weight decay', 'GrokAlign', 'GrokAlign + weight decay')
        modular = reproduce('modular_mlp', modular_mlp(), quick_methods if args.quick else methods, seeds, args.quick, tag=args.tag)
        ran = set(modular.runs.method)
        if {'GrokAlign + weight decay', 'weight decay'} <= ran:
            figures['grokalign_steps_speedup'] = speedup(modular, 'GrokAlign + weight decay', 'weight decay')
        if {'GrokAlign', 'none'} <= ran:
            figures['grokalign_steps_speedup_vs_none_at_least'] = speedup(modular, 'GrokAlign', 'none')
        if not args.quick and ran == set(METHODS):  # the same with the paper's estimator (output projections), against the same weight-decay runs
            paper = reproduce('modular_mlp', modular_mlp(estimator='output'), ('GrokAlign', 'GrokAlign + weight decay'), seeds, args.quick,
                              tag='paper_estimator_modular_mlp')
            figures['grokalign_steps_speedup_paper_estimator'] = speedup(paper, 'GrokAlign + weight decay', 'weight decay', modular)
    if args.only == 'image' or (args.only is None and not args.quick):
        image = reproduce('digits', image_mlp(max_steps=args.image_steps), methods, seeds, args.quick, tag=args.tag)
        if {'GrokAlign + weight decay', 'weight decay'} <= set(image.runs.method):
            figures['grokalign_steps_speedup_digits'] = speedup(image, 'GrokAlign + weight decay', 'weight decay')
    if args.only == 'transformer':   # hours of CPU: run by hand, split over processes with --methods
        options = dict(train_fraction=0.8, d_model=32, d_mlp=128, lr=3e-3) if args.transformer_setting == 'small' else {}
        transformer = reproduce('modular_transformer' + ('_small' if options else ''), modular_transformer(max_steps=args.transformer_steps, **options),
                                methods, seeds, args.quick, tag=args.tag)
        if {'GrokAlign + weight decay', 'weight decay'} <= set(transformer.runs.method):
            figures['grokalign_steps_speedup_transformer'] = speedup(transformer, 'GrokAlign + weight decay', 'weight decay')
    print()
    for key, value in figures.items(): print(f"{key} = {value:.2f}")


if __name__ == '__main__':
    main()
