"Shared by the benchmark scripts: time variants alternately so that all of them see the same machine load."
import statistics
import time
from collections.abc import Callable


def timed(fn: Callable) -> float:
    "Wall seconds of one call."
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternating_medians(measures: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    "Median of each measurement (a callable returning seconds), taken in turn `repeats` times: A B C A B C ..."
    values = {name: [] for name in measures}
    for _ in range(repeats):
        for name, measure in measures.items(): values[name].append(measure())
    return {name: statistics.median(v) for name, v in values.items()}


def quick_flag(doc: str, help: str = 'a smaller case (under 2 minutes)') -> bool:
    "Parse the one option every benchmark takes, `--quick`, with the script's docstring as description."
    import argparse
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help=help)
    return parser.parse_args().quick
