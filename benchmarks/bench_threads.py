"""Threads under load: the demo's training speed on a quiet machine and with one other busy process.

The demo (modular addition p = 59, MLP 118-128-59, full-batch AdamW) trains for a fixed time in each of four cases,
taken in turn round after round so all see the same machine: with the package's thread choice (one intra-op thread for
a small model) and with torch's default (one per core, set through $GROK_EXPLORE_THREADS), each on a quiet machine and
while one competing process spins a core. Steps/s quiet over steps/s loaded is the slowdown a student sees when a
browser or another job is busy. Usage: python benchmarks/bench_threads.py [--quick]
"""

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

import torch

from grok_explore.core import THREADS_ENV, _TORCH_THREADS
from grok_explore.recipe import modular_mlp

from common import quick_flag


@contextmanager
def busy_process():
    "One other process that keeps a core busy (a pure-Python spin loop), for the duration of the block."
    spinner = subprocess.Popen([sys.executable, '-c', 'while True: pass'])
    time.sleep(0.5)  # let it start spinning
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def steps_per_second(threads: int | None, seconds: float) -> float:
    "Train the demo for about `seconds` (chunks of 50 steps) with `threads` (None: the package's choice)."
    if threads is None:
        os.environ.pop(THREADS_ENV, None)
    else:
        os.environ[THREADS_ENV] = str(threads)
    recipe = modular_mlp(59, 0.5, 128, '+', every=10**9, jacobian_every=None, method='weight decay')
    learner = recipe.learner(0, [], False, 'cpu')
    learner.fit(20)  # warm-up
    start, steps = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        learner.fit(50)
        steps += 50
    return steps / (time.perf_counter() - start)


def main():
    quick = quick_flag(__doc__)
    seconds, rounds = (3.0, 2) if quick else (8.0, 3)
    cases = {'package choice': None, f'torch default ({_TORCH_THREADS} threads)': _TORCH_THREADS}
    speeds = {(name, load): [] for name in cases for load in ('quiet', 'loaded')}
    for _ in range(rounds):
        for name, threads in cases.items():
            speeds[name, 'quiet'].append(steps_per_second(threads, seconds))
            with busy_process():
                speeds[name, 'loaded'].append(steps_per_second(threads, seconds))
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, {rounds} rounds of {seconds:g} s per case\n")
    print('| threads | quiet steps/s | loaded steps/s | slowdown |')
    print('|---|---|---|---|')
    slowdown = {}
    for name in cases:
        quiet, loaded = statistics.median(speeds[name, 'quiet']), statistics.median(speeds[name, 'loaded'])
        slowdown[name] = quiet / loaded
        print(f'| {name} | {quiet:.0f} | {loaded:.0f} | {slowdown[name]:.2f}× |')
    package, default = slowdown.values()
    quiet = [statistics.median(speeds[name, 'quiet']) for name in cases]
    print(f'\nloaded_vs_quiet_slowdown = {package:.2f}')
    print(f'loaded_vs_quiet_slowdown_torch_default = {default:.2f}')
    print(f'quiet_speed_torch_default_vs_package = {quiet[1] / quiet[0]:.2f}')


if __name__ == '__main__':
    main()
