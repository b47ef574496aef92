"""Phase diagram of modular addition: train share x weight decay, each run until it groks or the step budget ends.

Setting: a + b mod 31, one-hot pairs into an MLP 62-128-31, full-batch AdamW lr 3e-3 (`compare.modular_mlp`), seed 0.
Each (train share, weight decay) cell runs until test accuracy reaches 95% or 10,000 steps and is named by
`lazy_rich.outcome`: grok (test >= 95% at least twice as late as train >= 99%), generalise early, memorise (fits,
never generalises in the budget) or fail (does not even fit). Saved to benchmarks/results/phases_modular.csv and
nbs/images/phases_modular.png for tutorial 25. `--quick`: three shares, four weight decays, 1,500 steps, nothing saved.
Usage: python benchmarks/bench_phases.py [--quick]
"""

import time
from pathlib import Path

import matplotlib
import torch

matplotlib.use('Agg')

from common import quick_flag
from grok_explore.compare import phase_diagram
from grok_explore.recipe import modular_mlp
from grok_explore.lazy_rich import plot_outcome_map

ROOT = Path(__file__).parent


def main():
    quick = quick_flag(__doc__)
    shares, decays, steps = (
        ((0.5, 0.7, 0.9), (0.0, 1.0, 3.0, 10.0), 1500)
        if quick
        else ((0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), (0.0, 0.1, 0.3, 1.0, 3.0, 10.0), 10_000)
    )
    print(
        f'torch {torch.__version__}, {torch.get_num_threads()} threads; {len(shares)} train shares x {len(decays)} '
        f'weight decays, up to {steps:,} steps'
    )
    start = time.perf_counter()
    make = lambda train_fraction, weight_decay: modular_mlp(
        p=31, train_fraction=train_fraction, weight_decay=weight_decay, max_steps=steps, every=20, jacobian_every=None
    )
    phases = phase_diagram(make, rows=('train_fraction', shares), columns=('weight_decay', decays), progress=True)
    seconds = time.perf_counter() - start
    print(phases.pivot(index='train_fraction', columns='weight_decay', values='outcome').to_markdown(floatfmt='.4g'))
    print(phases.pivot(index='train_fraction', columns='weight_decay', values='grok_step').to_markdown(floatfmt='.4g'))
    if not quick:
        (ROOT / 'results').mkdir(exist_ok=True)
        phases.to_csv(ROOT / 'results' / 'phases_modular.csv', index=False)
        ax = plot_outcome_map(
            phases,
            x='weight_decay',
            y='train_fraction',
            annotate='grok_step',
            xlabel='weight decay',
            ylabel='train share',
        )
        ax.set_title(f'a + b mod 31, MLP 62-128-31: outcome within {steps:,} steps (numbers: grok step)')
        ax.figure.savefig(ROOT.parent / 'nbs' / 'images' / 'phases_modular.png', dpi=90, bbox_inches='tight')
    counts = phases.outcome.value_counts()
    print(f'{len(phases)} runs in {seconds:.0f} s')
    print()
    print(f'phase_cells = {len(phases)}')
    for name in ('grok', 'memorise', 'fail', 'generalise early'):
        print(f"phase_cells_{name.replace(' ', '_')} = {int(counts.get(name, 0))}")


if __name__ == '__main__':
    main()
