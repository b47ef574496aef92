"""Exact linear regions on a plane: our vectorised polygon cutting against regioncam (Rust), and the grid picture
against both.

Exact: MLPs 2 -> widths -> 3 (PyTorch's default init x 2, biases on) on the square [-1, 1]^2, the same float32 weights
given to regioncam, timed in turns in the same run: the count the timeline records (`region_count`; key
`exact_vs_regioncam_worst_ratio`) against regioncam's faces, and the whole partition with each region's affine map
(`exact_regions`; key `partition_vs_regioncam_worst_ratio`) against regioncam evaluating the output layer too.
Grid: a 64-input MLP 64-256-256-256-10 on the plane through three random inputs, activation-pattern hashing on a
512^2 grid, against the exact partition of the same plane and against the bare forward pass over the same grid points
(the floor: the picture cannot cost less than evaluating the network there).
Grokking (`--only grokking`, not part of the default run: about 20 minutes on one CPU core): Omnigrok's digits recipe
(`compare.image_mlp`) with weight decay and with GrokAlign + weight decay for 16,000 steps, a 128^2 picture of the
plane through three training images (classes 0, 1, 2) every 1,000 steps; saved to benchmarks/results/regions_digits.pt
for tutorial 23. Usage: python benchmarks/bench_regions.py [--quick] [--only exact|grid|grokking]
"""

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

import torch

from grok_explore.recipe import image_mlp
from grok_explore.core import seed_everything
from grok_explore.learner import MetricsCallback
from grok_explore.local_complexity import local_complexity_metric
from grok_explore.models import MLP
from grok_explore.polygons import exact_regions, region_count
from grok_explore.regions import GRID_CHUNK, Plane, RegionsCallback, _grid, plane_through, region_grid

try:
    import regioncam
except ImportError:  # a development dependency; without it only our own timings are printed
    regioncam = None

SQUARE = Plane(
    torch.zeros(2, dtype=torch.float64),
    torch.eye(2, dtype=torch.float64),
    torch.zeros(1, 2, dtype=torch.float64),
    (-1.0, 1.0, -1.0, 1.0),
)


def regioncam_faces(net: MLP, outputs: bool = False) -> int:
    "regioncam's faces of the hidden layers; with `outputs`, regioncam also evaluates the output layer at every vertex."
    camera = regioncam.Regioncam(size=1)
    for layer in net.layers[:-1]:
        camera.linear(layer.weight.detach().T.contiguous().numpy(), layer.bias.detach().numpy())
        camera.relu()
    if outputs:
        last = net.layers[-1]
        camera.linear(last.weight.detach().T.contiguous().numpy(), last.bias.detach().numpy())
    return camera.num_faces


def timed(fn, repeats: int):
    "Median seconds of `repeats` calls, and the last result."
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--quick', action='store_true', help='small nets only (1x128, 2x64) and a 256^2 grid on 2x128 (under 2 minutes)'
    )
    parser.add_argument(
        '--only', choices=['exact', 'grid', 'grokking'], help='one part only (grokking runs only when asked for)'
    )
    args = parser.parse_args()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, cpu; regioncam "
        f"{'present' if regioncam else 'missing'}"
    )
    figures = {}
    if args.only in (None, 'exact'):
        figures |= exact(args.quick)
    if args.only in (None, 'grid'):
        figures |= grid_picture(args.quick)
    if args.only == 'grokking':
        figures |= grokking(args.quick)
    print()
    for key, value in figures.items():
        print(f"{key} = {value:.2f}" if isinstance(value, float) else f"{key} = {value}")


def exact(quick: bool) -> dict:
    """Our exact regions against regioncam on MLPs with a 2D input, two ways: the count as the timeline records it
    (`region_count`, against regioncam's faces of the hidden layers), and the whole partition (`exact_regions`:
    polygons, patterns and the network's affine map on each, against regioncam with the output layer evaluated at
    every vertex too). The four are timed in turns after one untimed call each; each ratio is the median of 41 rounds'
    ratios (one round for 3x256), so that both sides see the same moments of a noisy machine."""
    ratios = {'count': {}, 'partition': {}}
    equal = True
    for widths in [(128,), (64, 64)] if quick else [(128,), (64, 64), (256, 256, 256)]:
        torch.manual_seed(0)
        net = MLP([2, *widths, 3], init_scale=2.0)
        calls = {
            'count': lambda: region_count(net, SQUARE),
            'regioncam': lambda: regioncam_faces(net),
            'partition': lambda: exact_regions(net, SQUARE).count,
            'regioncam with outputs': lambda: regioncam_faces(net, outputs=True),
        }
        if not regioncam:
            calls = {k: v for k, v in calls.items() if not k.startswith('regioncam')}
        repeats = 1 if widths == (256, 256, 256) else 41
        if repeats > 1:  # first calls pay one-time costs
            for call in calls.values():
                call()
        seconds, counts = {k: [] for k in calls}, {}
        for _ in range(repeats):
            for key, call in calls.items():
                took, counts[key] = timed(call, 1)
                seconds[key].append(took)
        name = 'x'.join(map(str, widths))
        equal &= len(set(counts.values())) == 1
        line = f"MLP 2-{'-'.join(map(str, widths))}-3, {counts['partition']:,} regions: "
        line += ', '.join(f'{k} {statistics.median(v):.3f} s' for k, v in seconds.items())
        if regioncam:
            for ours, theirs in [('count', 'regioncam'), ('partition', 'regioncam with outputs')]:
                ratios[ours][name] = statistics.median([a / b for a, b in zip(seconds[ours], seconds[theirs])])
            line += f"; ratios: count {ratios['count'][name]:.2f}x, partition {ratios['partition'][name]:.2f}x"
            line += ' (medians of rounds)' if repeats > 1 else ' (one round)'
        print(line, flush=True)
    if not regioncam:
        return {}
    return (
        {f'exact_vs_regioncam_ratio_{k}': v for k, v in ratios['count'].items()}
        | {'exact_vs_regioncam_worst_ratio': max(ratios['count'].values())}
        | {f'partition_vs_regioncam_ratio_{k}': v for k, v in ratios['partition'].items()}
        | {'partition_vs_regioncam_worst_ratio': max(ratios['partition'].values())}
        | {'exact_equals_regioncam': int(equal)}
    )


def grid_picture(quick: bool) -> dict:
    "The grid picture against the exact partition of the same plane through three inputs."
    torch.manual_seed(0)
    net, inputs = MLP([64, 128, 128, 10] if quick else [64, 256, 256, 256, 10]), torch.rand(3, 64)
    plane, resolution = plane_through(*inputs), 256 if quick else 512
    grid_seconds, grid = timed(lambda: region_grid(net, plane, resolution), 3)
    points = plane.to_input(_grid(plane, resolution)).float()  # the picture's own pixels
    with torch.no_grad():
        forward_seconds, _ = timed(lambda: [net(x) for x in points.split(GRID_CHUNK)], 3)  # in region_grid's chunks
    exact_seconds, regions = timed(lambda: exact_regions(net, plane), 1)
    print(
        f"MLP {'-'.join(map(str, net.widths))} through three inputs: {resolution}² grid {grid.count:,} regions in "
        f"{grid_seconds:.2f} s "
        f"(the bare forward pass over the same points: {forward_seconds:.2f} s, {torch.get_num_threads()} threads); "
        f"exact {regions.count:,} regions in {exact_seconds:.2f} s"
    )
    return {
        'grid_vs_exact_speedup': exact_seconds / grid_seconds,
        'grid_vs_forward_ratio': grid_seconds / forward_seconds,
        'grid_seconds': grid_seconds,
    }


def grokking(quick: bool) -> dict:
    "Region pictures over a grokking run with and without GrokAlign; saved (unless quick) for tutorial 23."
    steps, setting, saved = 2000 if quick else 16_000, image_mlp(), {}
    for method in ('weight decay', 'GrokAlign + weight decay'):
        seed_everything(0)
        data = setting.data(0)
        labels = data.y_train.argmax(1)
        plane = plane_through(*data.x_train[[int((labels == c).nonzero()[0]) for c in (0, 1, 2)]])
        camera = RegionsCallback(plane, every=1000, resolution=128)
        complexity = MetricsCallback(1000, [local_complexity_metric], eval_size=128)
        recipe = replace(setting, method=method, every=250, jacobian_every=None)
        learner = recipe.learner(0, callbacks=[camera, complexity])
        start = time.perf_counter()
        learner.fit(steps)
        counts = learner.history.series('plane', 'regions_near_data')[1]
        print(
            f"{method}: {steps:,} steps in {time.perf_counter() - start:.0f} s, test accuracy "
            f"{learner.history.last('test', 'accuracy'):.3f}, "
            f"regions near the three images {counts[0]:.0f} -> {counts[-1]:.0f}",
            flush=True,
        )
        saved[method] = {
            'steps': [s for s, _ in camera.snapshots],
            'ids': torch.stack([g.ids for _, g in camera.snapshots]).to(torch.int32),
            'classes': torch.stack([g.classes for _, g in camera.snapshots]).to(torch.uint8),
            'history': list(learner.history),
            'plane': {
                'origin': plane.origin,
                'basis': plane.basis,
                'points': plane.points,
                'extent': list(plane.extent),
            },
        }
    if not quick:
        torch.save(saved, Path(__file__).parent / 'results' / 'regions_digits.pt')
    return {'grokking_regions_near_data_ratio': _near(saved['GrokAlign + weight decay']) / _near(saved['weight decay'])}


def _near(run) -> float:
    "Regions near the marked images in the last snapshot."
    return [v for s, split, m, v in run['history'] if split == 'plane' and m == 'regions_near_data'][-1]


if __name__ == '__main__':
    main()
