"""GrokAlign: the cost of one training step, and the reproduction of "it groks sooner", side by side in one run.

Step cost: GrokAlign's image model (MLP 784-196-196-196-10 without biases, initial weights x 8, AdamW lr 1e-3 wd
0.01, MSE on one-hot targets), full-batch steps on random MNIST-shaped inputs (step time depends only on shapes),
timed against a plain step in alternation: the default estimator (forward mode, 'input', fused with the task's forward
pass), the same as a separate tangent pass (fused=False, the earlier implementation), with 4 coordinates per direction,
the paper's ('output', a VJP differentiated again), the default on a random quarter of the batch, and the exact norm.
Two batch sizes and two output sizes. The default estimator is two directions per sample, coordinates drawn in
proportion to the first layer's column norms; "1 projection" is the cheap option.

Estimator bias (--only estimator): the mean over 1,000 draws of each estimate of mean_i ||J_f(x_i)||_F against the
exact value, on a dense MLP at initialisation, the modular MLP after grokking and the digits MLP after training (the
full run trains it and saves it to results/grokalign_digits_trained_mlp.pt; --quick loads it).

Tuned baselines (--only tuned): on modular addition, each method's main knob tuned on tuning seeds 100-102 (weight
decay 0.1-10; GrokAlign lambda 1e-4-3e-2 alone and with the best weight decay, each grid extended past its edge by up
to two values x3; Grokfast momentum 0.8-0.99 x amplification 0.1-10 with it), then each at its best on the fresh
seeds, beside the untuned defaults. --only tuned-digits does the same on digits (weight decay 0.01-1, lambda
1e-3-1e-2), one method per process if wished (--methods; 'GrokAlign + weight decay' reads the saved
weight-decay tuning).

Reproduction (grok_explore.compare): steps until test accuracy crosses the threshold for no regulariser, weight
decay, GrokAlign, Grokfast and the combinations with weight decay, over seeds, in (a) modular addition p=31 with
70% train, MLP 62-128-31, AdamW lr 3e-3, weight decay 1, threshold 95%, and (b) Omnigrok's image recipe on
scikit-learn digits (1,000 train / 797 test, MLP 64-196-196-196-10 without biases, x8 init, MSE, AdamW lr 1e-3,
weight decay 0.01, threshold 85%). Tables are printed as markdown; runs go to benchmarks/results/, plots to
nbs/images/.
(c) modular addition p=31 as tokens into the one-layer transformer, GrokAlign λ = 1e-3 at the token embeddings,
threshold 95%, run only with --only transformer: by default 80% train, d_model 32, d_mlp 128, AdamW lr 3e-3, weight
decay 1, 10,000 steps; --transformer-setting nanda gives the earlier 50% train, d_model 64, d_mlp 256, lr 1e-3.
Usage: python benchmarks/bench_grokalign.py [--quick] [--methods A,B] [--seeds 0,1,2]
    [--only cost|estimator|modular|tuned|tuned-digits|image|transformer]
"""

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import torch

from grok_explore.compare import Comparison, Tuning, compare, plot_comparison, tune
from grok_explore.sweeps import run_method
from grok_explore.core import seed_everything
from grok_explore.data import TensorData
from grok_explore.learner import Learner
from grok_explore.models import MLP
from grok_explore.recipe import METHODS, image_mlp, modular_mlp, modular_transformer
from grok_explore.jacobian import projected_jacobian_norm
from grok_explore.input_jvp import fused_jacobian_penalty
from grok_explore.regularisers import GrokAlign, exact_jacobian_norm

from common import alternating_runs, paired_ratios

ROOT = Path(__file__).resolve().parent


def step_time(batch: int, outputs: int, callbacks, steps: int) -> float:
    "Seconds per step of a fresh learner (after 3 warm-up steps)."
    seed_everything(0)
    x = torch.rand(batch, 784)
    y = torch.nn.functional.one_hot(torch.randint(0, outputs, (batch,)), outputs).float()
    learner = Learner(
        MLP([784, 196, 196, 196, outputs], bias=False, init_scale=8),
        TensorData(x, y, x[:10], y[:10]),
        lr=1e-3,
        weight_decay=0.01,
        metrics_every=None,
        progress=False,
        callbacks=callbacks,
    )
    learner.fit(3)
    start = time.perf_counter()
    learner.fit(steps)
    return (time.perf_counter() - start) / steps


def step_costs(quick: bool) -> dict[str, float]:
    "Time every variant against a plain step; returns the headline ratios."
    steps, repeats = (20, 3) if quick else (30, 11)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, cpu; {repeats} alternating rounds of "
        f"{steps} steps: "
        "median time, and the median over rounds of the time over the plain step's in the same round"
    )
    variants = {
        'plain': lambda: [],
        'GrokAlign default (input)': lambda: [GrokAlign(1e-4)],
        'default, 1 projection (fast)': lambda: [GrokAlign(1e-4, n_projections=1)],
        'default, separate pass': lambda: [GrokAlign(1e-4, fused=False)],
        'default, 4 coordinates': lambda: [GrokAlign(1e-4, n_coordinates=4)],
        'GrokAlign paper (output)': lambda: [GrokAlign(1e-4, estimator='output')],
        'default on 1/4 of the batch': lambda: [GrokAlign(1e-4, subsample=0.25)],
        'exact norm': lambda: [GrokAlign(1e-4, exact=True)],
    }
    ratios = {}
    for batch, outputs in [(200, 10), (1024, 10), (200, 100)]:
        runs = alternating_runs(
            {name: (lambda make=make: step_time(batch, outputs, make(), steps)) for name, make in variants.items()},
            repeats,
        )
        paired = paired_ratios(runs, 'plain')
        print(f"\nbatch {batch}, {outputs} outputs")
        for name, times in runs.items():
            print(f"  {name:28} {1000 * statistics.median(times):7.2f} ms/step   {paired[name]:.2f}x plain")
        ratios.update({(batch, outputs, name): r for name, r in paired.items()})
    return {
        'grokalign_step_cost_ratio': ratios[(200, 10, 'GrokAlign default (input)')],
        'grokalign_step_cost_ratio_batch1024': ratios[(1024, 10, 'GrokAlign default (input)')],
        'grokalign_step_cost_ratio_one_projection': ratios[(200, 10, 'default, 1 projection (fast)')],
        'grokalign_step_cost_ratio_separate_pass': ratios[(200, 10, 'default, separate pass')],
        'grokalign_step_cost_ratio_paper_estimator': ratios[(200, 10, 'GrokAlign paper (output)')],
        'grokalign_step_cost_ratio_quarter_batch': ratios[(200, 10, 'default on 1/4 of the batch')],
    }


ESTIMATES = {
    'default (2 projections, columns)': {},
    '1 projection, columns (fast)': dict(n_projections=1),
    '1 projection, uniform (the earlier default)': dict(n_projections=1, proposal='uniform'),
}
DIGITS_MODEL = ROOT / 'results' / 'grokalign_digits_trained_mlp.pt'


def estimator_cases(quick: bool) -> dict[str, tuple[MLP, torch.Tensor]]:
    """The three cases of the estimator check, in float64: a dense MLP at initialisation, modular addition after
    grokking, digits after training."""
    seed_everything(0)
    dense = MLP([784, 196, 196, 196, 10], bias=False, init_scale=8)
    cases = {'dense MLP 784-196-196-196-10 at init': (dense, torch.rand(200, 784))}
    modular = run_method(modular_mlp(), 'GrokAlign + weight decay', seed=0)
    cases[f'modular MLP after grokking (step {modular.step})'] = (modular.model, modular.data.x_train)
    setting = image_mlp()
    if not quick:  # trains until grokked (minutes); --quick loads the model this saved
        digits_run = run_method(setting, 'GrokAlign + weight decay', seed=0)
        torch.save({'step': digits_run.step, 'state': digits_run.model.state_dict()}, DIGITS_MODEL)
    if not DIGITS_MODEL.exists():
        raise FileNotFoundError(f"{DIGITS_MODEL} is missing: run this script once without --quick to make it")
    saved = torch.load(DIGITS_MODEL, weights_only=True)
    data = setting.data(0)
    model = setting.model(data)
    model.load_state_dict(saved['state'])
    cases[f"digits MLP after training (step {saved['step']})"] = (model, data.x_train)
    return {name: (model.double(), x.double()) for name, (model, x) in cases.items()}


def estimator_bias(quick: bool, draws: int = 1000) -> dict[str, float]:
    "Mean over `draws` of each estimate of mean_i ||J_f(x_i)||_F, against the exact value, in the three cases."
    print(f"\nEstimates of mean_i ||J_f(x_i)||_F over {draws:,} draws each (float64): mean / exact, ± standard error")
    biases, errors = [], []
    for case, (model, x) in estimator_cases(quick).items():
        inputs = x.detach().requires_grad_(True)
        exact = exact_jacobian_norm(model(inputs), inputs).mean().item()
        print(f"  {case}: exact {exact:.4g}")
        generator = torch.Generator().manual_seed(1)
        for name, options in ESTIMATES.items():
            with torch.no_grad():
                values = torch.tensor(
                    [fused_jacobian_penalty(model, x, generator=generator, **options)[1].item() for _ in range(draws)]
                )
            ratio, error = values.mean().item() / exact, values.std().item() / exact / draws**0.5
            print(f"    {name:44} {ratio:.4f} ± {error:.4f}")
            if name.startswith('default'):
                biases, errors = biases + [abs(ratio - 1)], errors + [error]
        paper = torch.tensor(
            [projected_jacobian_norm(model(inputs), inputs, generator=generator).mean().item() for _ in range(draws)]
        )
        print(
            f"    {'paper (output, 1 projection)':44} {paper.mean().item() / exact:.4f} ± "
            f"{paper.std().item() / exact / draws**0.5:.4f}"
        )
    worst = max(range(len(biases)), key=biases.__getitem__)
    return {'grokalign_estimator_bias': biases[worst], 'grokalign_estimator_bias_se': errors[worst]}


def reproduce(name: str, setting, methods, seeds, quick: bool, tag: str | None = None) -> Comparison:
    """Run one setting, print its table, save runs and plot as grokalign_<tag> (default: name, plus the methods when not
    all run)."""
    start = time.perf_counter()
    comparison = compare(setting, methods, seeds, progress=False)
    print(
        f"\n{setting.name}: threshold {setting.threshold:.0%}, at most {setting.max_steps:,} steps, seeds "
        f"{tuple(seeds)} ({time.perf_counter() - start:.0f} s)"
    )
    print(comparison.markdown())
    if not quick:
        (ROOT / 'results').mkdir(exist_ok=True)
        tag = tag or (name if set(methods) == set(METHODS) else name + '_' + '_'.join(slug(m) for m in methods))
        comparison.save(ROOT / 'results' / f'grokalign_{tag}.csv.gz')
        axes = plot_comparison(comparison)
        axes[0].figure.savefig(ROOT.parent / 'nbs' / 'images' / f'grokalign_{tag}.png', dpi=90, bbox_inches='tight')
    return comparison


LAMBDAS = (1e-4, 1e-3, 1e-2, 3e-2)
WEIGHT_DECAYS = (0.1, 0.3, 1.0, 3.0, 10.0)
# Grokfast's paper uses EMA settings α 0.8-0.99 and λ 0.1-5 across its tasks; λ = 10 goes one step past them
GROKFAST = {
    'grokfast_momentum': (0.8, 0.9, 0.95, 0.98, 0.99),
    'grokfast_amplification': (0.1, 0.5, 1.0, 2.0, 5.0, 10.0),
}


def tuned(quick: bool, seeds) -> dict[str, float]:
    "Modular addition: tune each method's main knob on tuning seeds 100-102, then run each at its best on fresh seeds."
    setting = modular_mlp(
        max_steps=1500 if quick else 10_000, jacobian_every=None
    )  # tuning: a run not grokked by 10,000 steps is out
    tuning_seeds = (100,) if quick else (100, 101, 102)
    start = time.perf_counter()
    extend = 0 if quick else 2  # up to two values past a grid's edge
    decay = tune(
        setting, 'weight decay', {'weight_decay': (1.0, 3.0) if quick else WEIGHT_DECAYS}, tuning_seeds, extend=extend
    )
    best_decay = decay.best['weight_decay']
    with_decay = replace(setting, weight_decay=best_decay)
    alone = tune(setting, 'GrokAlign', {'lam': (1e-3, 1e-2) if quick else LAMBDAS}, tuning_seeds, extend=extend)
    both = tune(
        with_decay, 'GrokAlign + weight decay', {'lam': (1e-3, 1e-2) if quick else LAMBDAS}, tuning_seeds, extend=extend
    )
    grokfast = tune(
        with_decay,
        'Grokfast + weight decay',
        {'grokfast_momentum': (0.9,), 'grokfast_amplification': (5.0,)} if quick else GROKFAST,
        tuning_seeds,
    )
    print(
        f"\nTuning on seeds {tuning_seeds} ({time.perf_counter() - start:.0f} s): seeds grokked and median steps "
        "(steps run where a seed did not grok)"
    )
    for tuning in (decay, alone, both, grokfast):
        print(
            f"\n{tuning.method}: best {tuning.best}"
            + (f" (at the edge of the grid: {', '.join(tuning.at_edge())})" if tuning.at_edge() else '')
        )
        print(tuning.table().to_markdown(floatfmt='.4g'))
        if not quick:
            tuning.save(ROOT / 'results' / f'grokalign_modular_mlp_tuning_{slug(tuning.method)}.csv')
    report = modular_mlp(jacobian_every=None)  # the reproduction's recipe and budget, fresh seeds
    best = {
        'weight decay': replace(report, weight_decay=best_decay),
        'GrokAlign': replace(report, **alone.best),
        'GrokAlign + weight decay': replace(report, weight_decay=best_decay, **both.best),
        'Grokfast + weight decay': replace(report, weight_decay=best_decay, **grokfast.best),
    }
    comparison = Comparison.combine(
        *(compare(s, methods=(method,), seeds=seeds, progress=False) for method, s in best.items())
    )
    untuned = compare(report, methods=('weight decay', 'GrokAlign + weight decay'), seeds=seeds, progress=False)
    print(f"\nEach method at its best, fresh seeds {tuple(seeds)}:")
    print(comparison.markdown())
    print("\nUntuned (weight decay 1, λ = 1e-2), the same seeds:")
    print(untuned.markdown())
    if not quick:
        comparison.save(ROOT / 'results' / 'grokalign_modular_mlp_tuned.csv.gz')
        untuned.save(ROOT / 'results' / 'grokalign_modular_mlp_untuned.csv.gz')
    steps = {method: float(comparison.grok_steps(method)[0].median()) for method in best}
    fastest = min(('GrokAlign', 'GrokAlign + weight decay'), key=steps.get)
    return {
        'grokalign_vs_tuned_speedup': steps['weight decay'] / steps[fastest],
        'grokalign_vs_untuned_speedup': speedup(untuned, 'GrokAlign + weight decay', 'weight decay'),
    }


DIGITS_GRIDS = {
    'weight decay': {'weight_decay': (0.01, 0.1, 1.0)},
    'GrokAlign': {'lam': (1e-3, 1e-2)},
    'GrokAlign + weight decay': {'lam': (1e-3, 1e-2)},
}


def slug(method: str) -> str:
    return method.replace(' + ', '+').replace(' ', '-')


def tuned_digits(quick: bool, seeds, methods) -> dict[str, float]:
    """Digits: tune weight decay, then GrokAlign's λ alone and with the best weight decay, on seeds 100-102 (grids of
    DIGITS_GRIDS, extended past an edge by up to two values); then each at its best on fresh seeds. Each method's tuning
    and runs are saved as they finish (results/grokalign_digits_tuning_*.csv, grokalign_digits_tuned_*.csv.gz), so the
    methods can run in separate processes: 'GrokAlign + weight decay' reads the saved weight-decay tuning."""
    tuning_setting = image_mlp(
        max_steps=2000 if quick else 30_000, jacobian_every=None
    )  # a run not grokked by 30,000 is out
    tuning_seeds = (100,) if quick else (100, 101, 102)
    results = ROOT / 'results'
    for method in [m for m in DIGITS_GRIDS if m in methods]:
        setting, start = tuning_setting, time.perf_counter()
        if 'weight decay' in method and method != 'weight decay':
            decay = results / f"grokalign_digits_tuning_{slug('weight decay')}.csv"
            if not decay.exists():
                raise SystemExit(
                    f"{method} needs the weight-decay tuning first ({decay.name}): run --methods 'weight decay'"
                )
            setting = replace(setting, **Tuning.load(decay).best)
        grid = {knob: values[:1] for knob, values in DIGITS_GRIDS[method].items()} if quick else DIGITS_GRIDS[method]
        tuning = tune(setting, method, grid, tuning_seeds, extend=0 if quick else 2)
        print(
            f"\n{method} on digits, tuning seeds {tuning_seeds} ({time.perf_counter() - start:.0f} s): best "
            f"{tuning.best}"
        )
        print(tuning.table().to_markdown(floatfmt='.4g'), flush=True)
        best = replace(
            image_mlp(max_steps=2000 if quick else 100_000), **({'weight_decay': setting.weight_decay} | tuning.best)
        )
        comparison = compare(best, methods=(method,), seeds=seeds, progress=False)
        print(f"\n{method} at its best, fresh seeds {tuple(seeds)}:")
        print(comparison.markdown(), flush=True)
        if not quick:
            tuning.save(results / f'grokalign_digits_tuning_{slug(method)}.csv')
            comparison.save(results / f'grokalign_digits_tuned_{slug(method)}.csv.gz')
    saved = {m: results / f'grokalign_digits_tuned_{slug(m)}.csv.gz' for m in DIGITS_GRIDS}
    if quick or not saved['weight decay'].exists():
        return {}
    steps = {m: float(Comparison.load(path).grok_steps(m)[0].median()) for m, path in saved.items() if path.exists()}
    fastest = min((m for m in steps if 'GrokAlign' in m), key=steps.get, default=None)
    return {'grokalign_vs_tuned_speedup_digits': steps['weight decay'] / steps[fastest]} if fastest else {}


def speedup(comparison: Comparison, fast: str, slow: str, baseline: Comparison | None = None) -> float:
    """Median over seeds of slow steps / fast steps (runs that did not grok count as the steps they ran); `slow` from
    `baseline` if given."""
    (ours, _), (theirs, _) = comparison.grok_steps(fast), (baseline or comparison).grok_steps(slow)
    return float((theirs / ours).median())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--quick', action='store_true', help='fewer steps, one seed, modular setting only (under 2 minutes)'
    )
    parser.add_argument(
        '--only',
        choices=['cost', 'estimator', 'modular', 'tuned', 'tuned-digits', 'image', 'transformer'],
        help='one part only (transformer: only when asked)',
    )
    parser.add_argument('--methods', help=f"comma-separated subset of: {', '.join(METHODS)}")
    parser.add_argument('--seeds', default='0,1,2', help='comma-separated seeds')
    parser.add_argument(
        '--image-steps', type=int, default=30_000, help='step budget of the image setting (default 30,000)'
    )
    parser.add_argument(
        '--transformer-steps', type=int, default=10_000, help='step budget of the transformer setting (default 10,000)'
    )
    parser.add_argument(
        '--transformer-setting',
        choices=['small', 'nanda'],
        default='small',
        help='small: 80%% train, d_model 32, lr 3e-3 (groks in ~1,000 steps); nanda: 50%% train, d_model 64, lr 1e-3',
    )
    parser.add_argument(
        '--tag', help='name of the saved runs and plot (default: setting name, plus the methods when not all run)'
    )
    args = parser.parse_args()
    methods = tuple(args.methods.split(',')) if args.methods else METHODS
    seeds = (0,) if args.quick else tuple(int(s) for s in args.seeds.split(','))
    figures = {}
    if args.only in (None, 'cost'):
        figures |= step_costs(args.quick)
    if args.only in (None, 'estimator'):
        figures |= estimator_bias(args.quick, draws=200 if args.quick else 1000)
    if args.only in (None, 'modular'):
        quick_methods = ('weight decay', 'GrokAlign', 'GrokAlign + weight decay')
        modular = reproduce(
            'modular_mlp', modular_mlp(), quick_methods if args.quick else methods, seeds, args.quick, tag=args.tag
        )
        ran = set(modular.runs.method)
        if {'GrokAlign + weight decay', 'weight decay'} <= ran:
            figures['grokalign_steps_speedup'] = speedup(modular, 'GrokAlign + weight decay', 'weight decay')
        if {'GrokAlign', 'none'} <= ran:
            figures['grokalign_steps_speedup_vs_none_at_least'] = speedup(modular, 'GrokAlign', 'none')
        if not args.quick and ran == set(
            METHODS
        ):  # the same with the paper's estimator (output projections), against the same weight-decay runs
            paper = reproduce(
                'modular_mlp',
                modular_mlp(estimator='output'),
                ('GrokAlign', 'GrokAlign + weight decay'),
                seeds,
                args.quick,
                tag='paper_estimator_modular_mlp',
            )
            figures['grokalign_steps_speedup_paper_estimator'] = speedup(
                paper, 'GrokAlign + weight decay', 'weight decay', modular
            )
    if args.only in (None, 'tuned'):
        figures |= tuned(args.quick, seeds)
    if args.only == 'tuned-digits' or (args.only is None and not args.quick):
        figures |= tuned_digits(args.quick, seeds, methods)
    if args.only == 'image' or (args.only is None and not args.quick):
        image = reproduce('digits', image_mlp(max_steps=args.image_steps), methods, seeds, args.quick, tag=args.tag)
        if {'GrokAlign + weight decay', 'weight decay'} <= set(image.runs.method):
            figures['grokalign_steps_speedup_digits'] = speedup(image, 'GrokAlign + weight decay', 'weight decay')
    if args.only == 'transformer':  # hours of CPU: run by hand, split over processes with --methods
        options = (
            dict(train_fraction=0.8, d_model=32, d_mlp=128, lr=3e-3) if args.transformer_setting == 'small' else {}
        )
        transformer = reproduce(
            'modular_transformer' + ('_small' if options else ''),
            modular_transformer(max_steps=args.transformer_steps, **options),
            methods,
            seeds,
            args.quick,
            tag=args.tag,
        )
        if {'GrokAlign + weight decay', 'weight decay'} <= set(transformer.runs.method):
            figures['grokalign_steps_speedup_transformer'] = speedup(
                transformer, 'GrokAlign + weight decay', 'weight decay'
            )
    print()
    for key, value in figures.items():
        print(f"{key} = {value:.3g}")


if __name__ == '__main__':
    main()
