"""The canonical grokking run (Nanda et al.) with the timeline of every lens, within a CPU budget.

Canonical setting: a + b mod 113, 30% of the pairs for training, tokens [a, +, b, =], the one-layer transformer
(d_model 128, 4 heads, MLP 512, no layer norm), full-batch AdamW lr 1e-3, weight decay 1, betas (0.9, 0.98); until
test accuracy 95% and then a quarter as long again, at most 40,000 steps or `--minutes` of wall time (30 on a CPU).
`timeline.timeline` keeps 40 log-spaced snapshots (up to 40,000 steps) and replays the lenses that apply to a
transformer: loss and accuracy, weight norm, and Nanda et al.'s restricted loss, excluded loss and neuron Fourier
share (key frequencies of the final model).
Fallback: the largest setting measured to grok on this CPU (p = 31, 80% train, d_model 32, MLP 128, lr 3e-3, weight
decay 1; benchmarks/README.md, GrokAlign (c)), three seeds, each at most 10,000 steps.
Saved: benchmarks/results/timeline_transformer_canonical.csv and timeline_transformer_small.csv (tutorial 26 reads
them; also timeline_transformer_canonical_long.csv, made with `--only canonical --minutes 110 --tag canonical_long`).
`--quick`: the canonical setting for 1 minute and the fallback with one seed, nothing saved.
Usage: python benchmarks/bench_transformer.py [--quick] [--minutes M] [--device cuda] [--only canonical|small] [--tag T]
"""

import argparse
import time
from pathlib import Path

import torch

from grok_explore.learner import StopWhen
from grok_explore.recipe import modular_transformer
from grok_explore.timeline import lead_table, timeline, timelines_frame

RESULTS = Path(__file__).parent / 'results'
CANONICAL = dict(p=113, train_fraction=0.3, d_model=128, d_mlp=512, lr=1e-3, betas=(0.9, 0.98), max_steps=40_000)
SMALL = dict(p=31, train_fraction=0.8, d_model=32, d_mlp=128, lr=3e-3, max_steps=10_000)


def time_limit(minutes: float) -> StopWhen:
    "Stop a run after `minutes` of wall time (checked at every record)."
    deadline = time.perf_counter() + 60 * minutes
    return StopWhen(lambda learner: time.perf_counter() > deadline, f'time budget of {minutes:g} min spent')


def run(name: str, knobs: dict, seeds, minutes: float | None, device) -> list:
    setting = modular_transformer(method='weight decay', weight_decay=1.0, every=50, per_decade=None, **knobs)
    print(f'== {name}: {setting.name}, {knobs}')
    runs = []
    for seed in seeds:
        limit = [] if minutes is None else [time_limit(minutes)]
        result = timeline(setting, seed, points=40, callbacks=limit, device=device)
        steps = int(result.lenses.index[-1])
        last = result.lenses.iloc[-1]
        print(
            f'seed {seed}: {steps:,} steps in {result.train_seconds:.0f} s '
            f'({result.train_seconds / steps * 1e3:.0f} ms a step), lenses {result.lens_seconds:.0f} s; '
            f'fit step {result.fit_step}, grok step {result.grok_step}; '
            f"final train / test accuracy {last['train accuracy']:.3f} / {last['test accuracy']:.3f}; "
            f'key frequencies {result.key}'
        )
        runs.append(result)
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='a smaller case (under 2 minutes)')
    parser.add_argument('--minutes', type=float, default=None, help='wall-time budget of the canonical run (30)')
    parser.add_argument('--device', default=None, help='cuda for the GPU (default: the CPU)')
    parser.add_argument('--only', choices=('canonical', 'small'), default=None)
    parser.add_argument('--tag', default='canonical', help='the canonical run is saved as timeline_transformer_TAG.csv')
    args = parser.parse_args()
    minutes = args.minutes or (1.0 if args.quick else 30.0)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device or "cpu"}')
    figures = {}
    if args.only != 'small':
        canonical = run('canonical', CANONICAL, (0,), minutes, args.device)
        result = canonical[0]
        figures['canonical_steps'] = int(result.lenses.index[-1])
        figures['canonical_seconds'] = round(result.train_seconds)
        figures['canonical_grok_step'] = result.grok_step if result.grok_step is not None else 'none'
        figures['canonical_final_test_accuracy'] = round(float(result.lenses['test accuracy'].iloc[-1]), 3)
        if not args.quick:
            path = RESULTS / f'timeline_transformer_{args.tag}.csv'
            timelines_frame(canonical, 'canonical').to_csv(path, index=False)
    if args.only != 'canonical':
        small = run('small', SMALL, (0,) if args.quick else (0, 1, 2), None, args.device)
        print(lead_table(small).round(3).to_markdown())
        grokked = [r.grok_step for r in small if r.grok_step is not None]
        figures['small_seeds_grokked'] = f'{len(grokked)}/{len(small)}'
        if not args.quick:
            timelines_frame(small, 'small').to_csv(RESULTS / 'timeline_transformer_small.csv', index=False)
    print()
    for key, value in figures.items():
        print(f'{key} = {value}')


if __name__ == '__main__':
    main()
