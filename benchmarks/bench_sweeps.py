"""Sweeps: runs trained together as one ensemble (and in worker processes, or on Ray) against one by one, same runs.

1. Dispatch-bound: K AdamW runs of modular addition p = 23, MLP 46-32-23, full batch, metrics every 100 steps, a fixed
   number of steps: model-steps per second of `train_together` (one process, one thread) against `Learner.fit` run by
   run, for K = 1 ... 128; the K = 32 ratio is the headline (rounds in turn, paired median). Also K = 32 as two
   ensembles of 16 in two worker processes.
2. Compute-bound: the 3 x 3 grid weight decay x train share of modular addition p = 59, MLP 118-128-59, seed 0, each
   run until it groks (test accuracy 95%) or its step budget: `sweep(engine='one by one', workers=1)` against
   `sweep()` (ensembles, one worker per core), wall time; the tables must be equal.
3. One-hot look-ups: the ensemble's first layer looking one-hot pairs up (`embedding_bag`) against the dense product,
   the same ensemble in turns: its forward alone, and whole steps (forward, backward, update) with an evaluation
   every 20 steps: p = 31, MLP 62-128-31, K = 18 (bench_phases.py's ensembles) and p = 59, K = 3 (the grid's). Smaller
   first layers (below `sweeps.LOOKUP_MIN_MACS`, such as case 1's) keep the dense product: the look-up costs more there.
4. Layouts: the same ensemble with `_linear`'s fast layouts (outputs of odd width from weights padded with zero rows,
   the weights' gradient formed as (m, n)) and without, whole steps in turns, for the three shapes above; the
   weights must stay equal bit for bit.
5. Freed memory kept (`sweeps.keep_freed_memory`, what worker processes do): 100 steps of a p = 31, K = 18 ensemble
   in a fresh process with and without it, in turns; steps per second and page faults per step.
6. Ray: the same 12-run sweep (the SMALL recipe, 2 weight decays x 2 train shares x 3 seeds) with `engine='ray'` on a
   local Ray against the embedded engine (ensembles in two worker processes), both started and warmed first, in turns;
   Ray's start-up (`start_ray`, import excluded) reported on its own. Where Ray Tune imports (the `ray[tune]` extras:
   pyarrow, pydantic, tensorboardX), the same 12 runs as Tune trials too (a grid search, two trials at a time, one CPU
   each, each trial one `run_point`), twice after those turns (Tune's trial actors slow the plain tasks that follow):
   `ray_tune_vs_ray_tasks` is the ratio of Tune's median time to our Ray engine's.
Both sides of each ratio run in this one script. `--quick`: K up to 32, fewer steps, smaller budgets.
Usage: python benchmarks/bench_sweeps.py [--quick] [--only throughput|grid|lookups|layouts|memory|ray]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

import pandas as pd
import torch
from joblib import Parallel, delayed

from common import alternating_runs, paired_ratios, timed
from grok_explore.recipe import modular_mlp
from grok_explore.sweeps import SMALL, Ensemble, configure, run_point, start_ray, sweep, sweep_points, train_together


def tiny(seed: int):
    setting = modular_mlp(p=23, train_fraction=0.7, width=32, lr=1e-2, every=100, per_decade=None, jacobian_every=None)
    return setting.learner(seed)


def one_by_one(K: int, steps: int) -> float:
    learners = [tiny(seed) for seed in range(K)]
    start = time.perf_counter()
    for learner in learners:
        learner.fit(steps)
    return time.perf_counter() - start


def together(seeds, steps: int) -> float:
    torch.set_num_threads(1)
    learners = [tiny(seed) for seed in seeds]
    start = time.perf_counter()
    train_together(learners, steps)
    return time.perf_counter() - start


def in_workers(K: int, steps: int) -> float:
    halves = [range(0, K // 2), range(K // 2, K)]
    parallel = Parallel(n_jobs=2)
    parallel(delayed(together)(range(2), 5) for _ in halves)  # start the workers first: not counted
    start = time.perf_counter()
    parallel(delayed(together)(seeds, steps) for seeds in halves)
    return time.perf_counter() - start


def throughput(quick: bool) -> dict:
    steps = 100 if quick else 400
    sizes = (1, 4, 16, 32) if quick else (1, 4, 16, 32, 64, 128)
    torch.set_num_threads(1)
    measures = {'one by one': lambda: one_by_one(8, steps) / 8, 'ensemble': lambda: together(range(32), steps) / 32}
    rounds = alternating_runs(measures, 2 if quick else 3)  # seconds per run, K = 32 against one by one, in turns
    ratio = paired_ratios(rounds, 'ensemble')['one by one']
    reference = statistics.median(rounds['one by one'])
    print(f'one by one: {reference / steps * 1e3:.3f} ms per model-step (8 runs of {steps} steps, median of rounds)')
    print('| K | ensemble ms per model-step | model-steps/s vs one by one |')
    print('|---|---|---|')
    for K in sizes:
        seconds = statistics.median(rounds['ensemble']) if K == 32 else together(range(K), steps) / K
        shown = ratio if K == 32 else reference / seconds
        print(f'| {K} | {seconds / steps * 1e3:.3f} | {shown:.2f}x |')
    workers = reference / (in_workers(32, steps) / 32)
    print(f'K = 32 as two ensembles of 16 in two worker processes: {workers:.2f}x')
    return {'ensemble_throughput_ratio_k32': ratio, 'ensemble_throughput_ratio_k32_workers': workers}


def phase_grid(quick: bool) -> dict:
    steps = 300 if quick else 3000
    setting = modular_mlp(p=59, train_fraction=0.7, width=128, max_steps=steps, every=20, jacobian_every=None)
    axes = {'weight_decay': (0.3, 1.0, 3.0), 'train_fraction': (0.5, 0.7, 0.9)}
    start = time.perf_counter()
    alone = sweep(setting, axes, progress=False, engine='one by one', workers=1)
    alone_seconds = time.perf_counter() - start
    start = time.perf_counter()
    batched = sweep(setting, axes, progress=False)
    batched_seconds = time.perf_counter() - start
    how = ['seconds', 'engine']
    pd.testing.assert_frame_equal(batched.runs.drop(columns=how), alone.runs.drop(columns=how))
    grid = batched.runs.pivot(index='weight_decay', columns='train_fraction', values='outcome')
    print(f'3 x 3 grid, p = 59, MLP 118-128-59, at most {steps:,} steps; outcomes (the same both ways):')
    print(grid.to_markdown())
    print(f'one by one {alone_seconds:.1f} s, sweep() {batched_seconds:.1f} s ({sorted(set(batched.runs.engine))})')
    return {'phase_diagram_speedup': alone_seconds / batched_seconds}


def twin_ensembles(p: int, width: int, lr: float, K: int) -> list[Ensemble]:
    "Two ensembles of the same K runs (seeds 0 ... K-1) of modular addition at train share 0.7, metrics every 20 steps."
    setting = modular_mlp(p=p, train_fraction=0.7, width=width, lr=lr, every=20, jacobian_every=None)
    return [Ensemble([setting.learner(seed) for seed in range(K)]) for _ in range(2)]


def paired_speedup(plain, changed, repeats: int) -> float:
    "Paired median of `plain`'s time over `changed`'s (two timing functions), in turns for `repeats` rounds."
    return paired_ratios(alternating_runs({'plain': plain, 'changed': changed}, repeats), 'changed')['plain']


def timed_steps(ensemble: Ensemble):
    "A timing function: 20 steps of `ensemble` and one evaluation."
    return lambda: timed(lambda: [ensemble.one_step() for _ in range(20)] + [ensemble.evaluate()])


def lookups(quick: bool) -> dict:
    figures = {}
    cases = {'p31_k18': (31, 128, 3e-3, 18), 'p59_k3': (59, 128, 3e-3, 3)}  # the phase map's and the grid's ensembles
    repeats = 3 if quick else 15  # rounds of 20 forwards or 20 steps each, in turns
    for name, (p, width, lr, K) in cases.items():
        looked_up, dense = twin_ensembles(p, width, lr, K)
        dense.lookup, dense.index = False, None
        assert looked_up.lookup and looked_up.index is not None
        first = lambda e: lambda: timed(lambda: [e._net(e.flat, e.x, e.index) for _ in range(20)])
        forward = paired_speedup(first(dense), first(looked_up), repeats)
        whole = paired_speedup(timed_steps(dense), timed_steps(looked_up), repeats)
        print(
            f'p = {p}, MLP {2 * p}-{width}-{p}, K = {K}: look-up against the dense product, forward {forward:.2f}x, '
            f'steps with evaluations {whole:.2f}x (median of {repeats} paired rounds)'
        )
        figures[f'lookup_forward_speedup_{name}'] = forward
        figures[f'lookup_step_speedup_{name}'] = whole
    return figures


def layouts(quick: bool) -> dict:
    figures = {}
    cases = {'p31_k18': (31, 128, 3e-3, 18), 'p59_k3': (59, 128, 3e-3, 3), 'p23_k32': (23, 32, 1e-2, 32)}
    repeats = 3 if quick else 15  # rounds of 20 steps each, in turns
    for name, (p, width, lr, K) in cases.items():
        fast, plain = twin_ensembles(p, width, lr, K)
        assert fast.fast, 'the fast layouts differ from nn.Linear on this machine: nothing to measure'
        plain.fast = False
        whole = paired_speedup(timed_steps(plain), timed_steps(fast), repeats)
        assert torch.equal(fast.flat, plain.flat), 'the two layouts must train the same weights bit for bit'
        print(
            f'p = {p}, MLP {2 * p}-{width}-{p}, K = {K}: padded outputs and (m, n) weight gradients against the plain '
            f'layouts, steps with evaluations {whole:.2f}x (median of {repeats} paired rounds; same weights)'
        )
        figures[f'layout_step_speedup_{name}'] = whole
    return figures


CHILD = """
import resource, sys, time, torch
from grok_explore.recipe import modular_mlp
from grok_explore.sweeps import Ensemble, keep_freed_memory
torch.set_num_threads(1)
if sys.argv[1] == 'keep':
    keep_freed_memory()
setting = modular_mlp(p=31, train_fraction=0.6, every=20, jacobian_every=None)
ensemble = Ensemble([setting.learner(seed) for seed in range(18)])
for _ in range(20):
    ensemble.one_step()
faults, start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
for _ in range(100):
    ensemble.one_step()
print(time.perf_counter() - start, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / 100)
"""


def freed_memory(quick: bool) -> dict:
    run = lambda how: subprocess.run([sys.executable, '-c', CHILD, how], capture_output=True, text=True, check=True)
    rounds = {'default': [], 'keep': []}
    faults = {'default': [], 'keep': []}
    for _ in range(1 if quick else 6):  # each measurement starts two processes
        for how in rounds:
            seconds, per_step = map(float, run(how).stdout.split())
            rounds[how].append(seconds)
            faults[how].append(per_step)
    ratio = paired_ratios(rounds, 'keep')['default']
    print(
        f"p = 31, K = 18, 100 steps in a fresh process: malloc's default {statistics.median(rounds['default']):.2f} s "
        f"({statistics.median(faults['default']):.0f} page faults a step), freed memory kept "
        f"{statistics.median(rounds['keep']):.2f} s ({statistics.median(faults['keep']):.0f}): {ratio:.2f}x"
    )
    return {'keep_freed_memory_speedup': ratio}


def tune_trial(config: dict, setting=None):
    "One sweep point as a Ray Tune trial: the same `run_point` the sweep calls, its row reported to Tune."
    from ray import tune

    point = config['point']
    configured = configure(setting, {k: v for k, v in point.items() if k != 'seed'})
    row, _ = run_point(configured, point)
    tune.report({'steps': row['steps'], 'grok_step': -1 if row['grok_step'] is None else row['grok_step'], **point})


def ray_tune_run(setting, axes: dict, seeds, expected: pd.DataFrame | None = None) -> float | None:
    """Seconds for the sweep's runs as Ray Tune trials (a grid search, two at a time, one CPU each), on the local Ray
    already started, their steps checked against the sweep's table `expected`; None where Ray Tune cannot be imported
    (it needs the `ray[tune]` extras)."""
    os.environ.setdefault('RAY_AIR_NEW_OUTPUT', '0')  # Tune's older console output, which `verbose=0` silences
    try:
        from ray import tune
    except ImportError as error:
        print(f'Ray Tune not measured: {error}')
        return None
    points = sweep_points(axes, seeds)
    with tempfile.TemporaryDirectory() as folder:
        tuner = tune.Tuner(
            tune.with_resources(tune.with_parameters(tune_trial, setting=setting), {'cpu': 1}),
            param_space={'point': tune.grid_search(points)},
            tune_config=tune.TuneConfig(max_concurrent_trials=2),
            run_config=tune.RunConfig(storage_path=folder, verbose=0),
        )
        start = time.perf_counter()
        results = tuner.fit()
        seconds = time.perf_counter() - start
    if results.num_errors:
        raise RuntimeError(f'{results.num_errors} Ray Tune trials failed: {results.errors}')
    if expected is not None:
        columns = [*axes, 'seed', 'steps', 'grok_step']
        found = results.get_dataframe()[columns].sort_values(columns).reset_index(drop=True)
        same = expected.assign(grok_step=expected.grok_step.fillna(-1))[columns].sort_values(columns)
        pd.testing.assert_frame_equal(found, same.reset_index(drop=True), check_dtype=False)
    return seconds


def ray_engine(quick: bool) -> dict:
    import ray

    startup = start_ray()
    setting = replace(SMALL, max_steps=300 if quick else 1200)
    axes = {'weight_decay': (0.3, 1.0), 'train_fraction': (0.7, 0.9)}
    run = lambda **how: timed(lambda: sweep(setting, axes, seeds=(0, 1, 2), progress=False, **how))
    warm = replace(setting, max_steps=5)
    sweep(warm, axes, seeds=(0, 1), progress=False, engine='ray')  # Ray's worker processes start on the first tasks
    sweep(warm, axes, seeds=(0, 1), progress=False, workers=2)  # and joblib's on the first sweep with workers
    rounds = alternating_runs({'embedded': lambda: run(), 'ray': lambda: run(engine='ray')}, 2 if quick else 3)
    # Tune after those rounds, not between them: its trial actors slowed the plain tasks that followed (1.9x in turns)
    if quick:  # a Tune round takes minutes
        print('Ray Tune: measured in the full run only')
    elif ray_tune_run(warm, axes, (0, 1)) is not None:  # warmed as the others; measured only where it imports
        table = sweep(setting, axes, seeds=(0, 1, 2), progress=False).runs
        rounds['ray tune'] = [ray_tune_run(setting, axes, (0, 1, 2), table) for _ in range(2)]
    ray.shutdown()
    for name, seconds in rounds.items():
        print(f"12 runs, {name}: {', '.join(f'{s:.1f} s' for s in seconds)}")
    print(f'Ray start-up (import excluded): {startup:.1f} s')
    figures = {'ray_overhead_ratio': paired_ratios(rounds, 'embedded')['ray'], 'ray_startup_s': startup}
    if 'ray tune' in rounds:
        figures['ray_tune_vs_ray_tasks'] = statistics.median(rounds['ray tune']) / statistics.median(rounds['ray'])
    return figures


PARTS = {
    'throughput': throughput,
    'grid': phase_grid,
    'lookups': lookups,
    'layouts': layouts,
    'memory': freed_memory,
    'ray': ray_engine,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='a smaller case (under 2 minutes)')
    parser.add_argument('--only', choices=list(PARTS), help='one part only')
    args = parser.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads available')
    figures = {}
    for name, part in PARTS.items():
        if args.only in (None, name):
            start = time.perf_counter()
            figures |= part(args.quick)
            print(f'({name}: {time.perf_counter() - start:.0f} s)', flush=True)
    print()
    for key, value in figures.items():
        print(f'{key} = {value:.2f}')


if __name__ == '__main__':
    main()
