"Shared by the benchmark scripts: time variants alternately so that all of them see the same machine load."

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable) -> float:
    "Wall seconds of one call."
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternating_runs(measures: dict[str, Callable[[], float]], repeats: int) -> dict[str, list[float]]:
    """Each measurement (a callable returning seconds) taken in turn `repeats` times, A B C A B C ...: name -> values in
    round order."""
    values = {name: [] for name in measures}
    for _ in range(repeats):
        for name, measure in measures.items():
            values[name].append(measure())
    return values


def alternating_medians(measures: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    "Median of each measurement over `repeats` alternating rounds."
    return {name: statistics.median(v) for name, v in alternating_runs(measures, repeats).items()}


def paired_ratios(runs: dict[str, list[float]], reference: str) -> dict[str, float]:
    """Median over rounds of each measurement divided by `reference`'s in the same round: robust to the machine speeding
    up or slowing down between rounds."""
    return {name: statistics.median(a / b for a, b in zip(v, runs[reference])) for name, v in runs.items()}


def quick_flag(doc: str, help: str = 'a smaller case (under 2 minutes)') -> bool:
    "Parse the one option every benchmark takes, `--quick`, with the script's docstring as description."
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help=help)
    return parser.parse_args().quick
