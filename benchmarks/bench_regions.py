"""Exact linear regions on a plane: our vectorised polygon cutting against regioncam (Rust), and the grid picture against both.

Exact: MLPs 2 -> widths -> 3 (PyTorch's default init x 2, biases on) on the square [-1, 1]^2, the same float32 weights
given to regioncam; both count the faces, timed in the same run (median of 3 for small nets, one run for 3x256).
Grid: a 64-input MLP 64-256-256-256-10 on the plane through three random inputs, activation-pattern hashing on a
512^2 grid, against the exact partition of the same plane. Usage: python benchmarks/bench_regions.py [--quick]
"""
import statistics
import time

import torch

from grok_explore.models import MLP
from grok_explore.regions import Plane, exact_regions, plane_through, region_grid

from common import quick_flag

try:
    import regioncam
except ImportError:  # a development dependency; without it only our own timings are printed
    regioncam = None

SQUARE = Plane(torch.zeros(2, dtype=torch.float64), torch.eye(2, dtype=torch.float64), torch.zeros(1, 2, dtype=torch.float64), (-1.0, 1.0, -1.0, 1.0))


def regioncam_faces(net: MLP) -> int:
    camera = regioncam.Regioncam(size=1)
    for layer in net.layers[:-1]:
        camera.linear(layer.weight.detach().T.contiguous().numpy(), layer.bias.detach().numpy()); camera.relu()
    return camera.num_faces


def timed(fn, repeats: int):
    "Median seconds of `repeats` calls, and the last result."
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); result = fn(); times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    quick = quick_flag(__doc__, 'small nets only (1x128, 2x64) and a 256^2 grid on 2x128 (under 2 minutes)')
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cpu; regioncam {'present' if regioncam else 'missing'}")
    figures, equal = {}, True
    for widths in ([(128,), (64, 64)] if quick else [(128,), (64, 64), (256, 256, 256)]):
        torch.manual_seed(0)
        net = MLP([2, *widths, 3], init_scale=2.0)
        repeats = 1 if widths == (256, 256, 256) else 3
        ours, regions = timed(lambda: exact_regions(net, SQUARE), repeats)
        line = f"MLP 2-{'-'.join(map(str, widths))}-3: exact_regions {regions.count:,} regions in {ours:.3f} s"
        if regioncam:
            theirs, faces = timed(lambda: regioncam_faces(net), repeats)
            equal &= faces == regions.count
            line += f"; regioncam {faces:,} faces in {theirs:.3f} s; ratio {ours / theirs:.2f}x"
            figures['x'.join(map(str, widths))] = ours / theirs
        print(line, flush=True)
    torch.manual_seed(0)
    net, inputs = MLP([64, 128, 128, 10] if quick else [64, 256, 256, 256, 10]), torch.rand(3, 64)
    plane, resolution = plane_through(*inputs), 256 if quick else 512
    grid_seconds, grid = timed(lambda: region_grid(net, plane, resolution), 3)
    exact_seconds, regions = timed(lambda: exact_regions(net, plane), 1)
    print(f"MLP {'-'.join(map(str, net.widths))} through three inputs: {resolution}² grid {grid.count:,} regions in {grid_seconds:.2f} s; "
          f"exact {regions.count:,} regions in {exact_seconds:.2f} s")
    print()
    key = '64x64' if quick else '256x256x256'
    if regioncam:
        print(f"exact_vs_regioncam_time_ratio = {figures[key]:.2f}")
        print(f"exact_equals_regioncam = {int(equal)}")
    print(f"grid_vs_exact_speedup = {exact_seconds / grid_seconds:.1f}")
    print(f"grid_seconds = {grid_seconds:.2f}")


if __name__ == '__main__':
    main()
