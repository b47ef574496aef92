"""Does GrokAlign do more than shrink the weights? GrokAlign against runs held at its weight norm.

Setting: a + b mod 31, MLP 62-128-31, 80% train, full-batch AdamW lr 3e-3 (tutorial 21's), each run until 1.25x its
grok step (test accuracy 95%) or 4,000 steps, the weight norm ||θ|| recorded every 10 steps. Per seed:
- GrokAlign alone (λ = 1e-2, no weight decay);
- the norm-held control: no regulariser, but after every step all weights rescaled to GrokAlign's norm at that step
  (`regularisers.NormSchedule`, from GrokAlign's records): the same norm path without the Jacobian penalty;
- weight decay 0.3, 1, 3, 10: the matched one is the one whose norm at GrokAlign's grok step is closest to GrokAlign's.
Saved: benchmarks/results/controls_weight_norm.csv (tutorial 21 loads it). `--quick`: seed 0, weight decay 1 and 3.
Usage: python benchmarks/bench_controls.py [--quick]
"""

import statistics
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

from common import quick_flag
from grok_explore.learner import MetricsCallback, grokking_steps, parameter_norm_metric
from grok_explore.recipe import modular_mlp
from grok_explore.regularisers import NormSchedule
from grok_explore.sweeps import start_point

RESULTS = Path(__file__).parent / 'results'
BASE = modular_mlp(p=31, train_fraction=0.8, max_steps=4000, every=10, per_decade=None, jacobian_every=None, lam=1e-2)


def run(method: str, seed: int, weight_decay: float = 1.0, extra=()) -> dict:
    "One run; its grok step, norms (step -> ||θ||), steps, final test accuracy and wall time."
    norm = MetricsCallback(10, [parameter_norm_metric], splits=('train',))
    learner = start_point(replace(BASE, method=method, weight_decay=weight_decay), seed, callbacks=[norm, *extra])
    start = time.perf_counter()
    learner.fit(BASE.max_steps)
    norms = dict(zip(*learner.history.series('train', 'parameter_norm')))
    return {
        'grok_step': grokking_steps(learner.history)[1],
        'norms': norms,
        'steps': learner.step,
        'final_test_accuracy': learner.history.last('test', 'accuracy'),
        'seconds': time.perf_counter() - start,
    }


def row(seed: int, name: str, weight_decay: float, result: dict, at: int) -> dict:
    norms = result['norms']
    return {
        'seed': seed,
        'run': name,
        'weight_decay': weight_decay,
        'grok_step': result['grok_step'],
        'norm_at_grokalign_grok': norms[max(s for s in norms if s <= at)],
        'final_norm': norms[max(norms)],
        'steps': result['steps'],
        'final_test_accuracy': result['final_test_accuracy'],
        'seconds': round(result['seconds'], 1),
    }


def main():
    quick = quick_flag(__doc__)
    torch.set_num_threads(1)
    seeds, decays = ((0,), (1.0, 3.0)) if quick else ((0, 1, 2), (0.3, 1.0, 3.0, 10.0))
    rows = []
    for seed in seeds:
        aligned = run('GrokAlign', seed, 0.0)
        at = aligned['grok_step'] or BASE.max_steps
        rows.append(row(seed, 'GrokAlign', 0.0, aligned, at))
        held = run('none', seed, extra=[NormSchedule(aligned['norms'])])
        rows.append(row(seed, 'norm held on GrokAlign', 0.0, held, at))
        for weight_decay in decays:
            rows.append(row(seed, 'weight decay', weight_decay, run('weight decay', seed, weight_decay), at))
    table = pd.DataFrame(rows)
    decay = table[table.run == 'weight decay'].copy()
    target = table[table.run == 'GrokAlign'].set_index('seed').norm_at_grokalign_grok
    decay['gap'] = (decay.norm_at_grokalign_grok / decay.seed.map(target) - 1).abs()
    matched = decay.loc[decay.groupby('seed').gap.idxmin()]
    table['matched'] = table.index.isin(matched.index)
    print(table.drop(columns=['seconds']).to_markdown(index=False, floatfmt='.4g'))
    aligned = table[table.run == 'GrokAlign'].set_index('seed').grok_step
    held = table[table.run == 'norm held on GrokAlign'].set_index('seed').grok_step
    later = lambda steps: statistics.median((steps / aligned).fillna(float('inf')))
    print()
    print(f'matched_weight_decay = {sorted(set(matched.weight_decay))}')
    print(f'norm_held_later = {later(held):.2f}')
    print(f'matched_weight_decay_later = {later(matched.set_index("seed").grok_step):.2f}')
    if not quick:
        RESULTS.mkdir(exist_ok=True)
        table.to_csv(RESULTS / 'controls_weight_norm.csv', index=False)


if __name__ == '__main__':
    main()
