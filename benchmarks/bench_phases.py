"""Phase diagram of modular addition: train share x weight decay, each run until it groks or the step budget ends.

Setting: a + b mod 31, one-hot pairs into an MLP 62-128-31, full-batch AdamW lr 3e-3 (`recipe.modular_mlp`), seeds
0, 1, 2. Each (train share, weight decay, seed) runs until test accuracy reaches 95% or 10,000 steps and is named by
`lazy_rich.outcome`: grok (test >= 95% at least twice as late as train >= 99%), generalise early, memorise (fits,
never generalises in the budget) or fail (does not even fit). The 126 runs are one `sweeps.sweep` (ensembles in one
worker process per core); its wall time is the headline. Saved to benchmarks/results/phases_modular.csv (one row per
run) and nbs/images/phases_modular.png (seed 0) for tutorial 25. `--quick`: three shares, four weight decays, seed 0,
1,500 steps, nothing saved.
Usage: python benchmarks/bench_phases.py [--quick]
"""

import time
from pathlib import Path

import matplotlib
import torch

matplotlib.use('Agg')

from common import quick_flag
from grok_explore.recipe import modular_mlp
from grok_explore.lazy_rich import plot_outcome_map
from grok_explore.sweeps import sweep

ROOT = Path(__file__).parent


def main():
    quick = quick_flag(__doc__)
    shares, decays, steps, seeds = (
        ((0.5, 0.7, 0.9), (0.0, 1.0, 3.0, 10.0), 1500, (0,))
        if quick
        else ((0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), (0.0, 0.1, 0.3, 1.0, 3.0, 10.0), 10_000, (0, 1, 2))
    )
    print(
        f'torch {torch.__version__}, {torch.get_num_threads()} threads; {len(shares)} train shares x {len(decays)} '
        f'weight decays x {len(seeds)} seeds, up to {steps:,} steps'
    )
    start = time.perf_counter()
    recipe = modular_mlp(p=31, max_steps=steps, every=20, jacobian_every=None, method='weight decay')
    result = sweep(recipe, {'train_fraction': shares, 'weight_decay': decays}, seeds=seeds)
    seconds = time.perf_counter() - start
    columns = ['train_fraction', 'weight_decay', 'seed', 'fit_step', 'grok_step', 'steps', 'final_test_accuracy']
    phases = result.runs[columns + ['outcome']]
    first = phases[phases.seed == 0]
    print(first.pivot(index='train_fraction', columns='weight_decay', values='outcome').to_markdown(floatfmt='.4g'))
    for seed in seeds:
        grok = phases[phases.seed == seed].pivot(index='train_fraction', columns='weight_decay', values='grok_step')
        print(f'grok steps, seed {seed}:')
        print(grok.to_markdown(floatfmt='.4g'))
    if not quick:
        (ROOT / 'results').mkdir(exist_ok=True)
        phases.to_csv(ROOT / 'results' / 'phases_modular.csv', index=False)
        ax = plot_outcome_map(
            first,
            x='weight_decay',
            y='train_fraction',
            annotate='grok_step',
            xlabel='weight decay',
            ylabel='train share',
        )
        ax.set_title(f'a + b mod 31, MLP 62-128-31: outcome within {steps:,} steps (numbers: grok step)')
        ax.figure.savefig(ROOT.parent / 'nbs' / 'images' / 'phases_modular.png', dpi=90, bbox_inches='tight')
    counts = phases.outcome.value_counts()
    print(f'{len(phases)} runs in {seconds:.0f} s ({sorted(set(result.runs.engine))})')
    print()
    print(f'phase_runs = {len(phases)}')
    print(f'phase_map_seconds = {seconds:.0f}')
    for name in ('grok', 'memorise', 'fail', 'generalise early'):
        print(f"phase_runs_{name.replace(' ', '_')} = {int(counts.get(name, 0))}")


if __name__ == '__main__':
    main()
