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
