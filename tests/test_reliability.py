"""Faults: a process killed while saving, callbacks that raise, a run that diverges between checks, and a soak of many
runs and dashboard cycles in one process."""

import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest
import torch

from grok_explore.core import seed_everything
from grok_explore.data import modular_arithmetic
from grok_explore.learner import EVENTS, Callback, History, Learner, NaNGuard
from grok_explore.models import MLP, Transformer
from grok_explore.regularisers import GrokAlign

SAVE_LOOP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from grok_explore.data import modular_arithmetic
    from grok_explore.learner import Learner
    from grok_explore.models import MLP

    folder = Path(sys.argv[1])
    data = modular_arithmetic(p=31, device='cpu')
    learner = Learner(MLP([62, 256, 31]), data, metrics_every=1, progress=False)
    learner.fit(20)
    print('ready', flush=True)
    while True:  # save three checkpoints and a history, over and over, until killed
        for i in range(3):
            learner.save(folder / f'checkpoint_{i}.pt')
        learner.history.save(folder / 'history.json')
    """
)


@pytest.mark.parametrize('delay', [0.05, 0.2, 0.5])
def test_kill_during_saves_leaves_every_file_readable(tmp_path, delay):
    process = subprocess.Popen([sys.executable, '-c', SAVE_LOOP, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == 'ready'
    deadline = time.monotonic() + 60  # on a loaded machine (tests in two processes) the first save can take a while
    while not (tmp_path / 'checkpoint_0.pt').exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)  # then kill somewhere in the later saves
    process.send_signal(signal.SIGKILL)
    process.wait()
    data = modular_arithmetic(p=31, device='cpu')
    for i in range(3):
        path = tmp_path / f'checkpoint_{i}.pt'
        if path.exists():  # a file is either absent (never finished) or whole
            reader = Learner(MLP([62, 256, 31]), data, progress=False).load(path)
            assert reader.step == 20 and len(reader.history) > 0
    if (tmp_path / 'history.json').exists():
        assert len(History.load(tmp_path / 'history.json')) > 0
    assert (tmp_path / 'checkpoint_0.pt').exists()  # at least one save happened before the kill


def hooks(model) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks) for m in model.modules())


class Broken(Callback):
    def __init__(self, event):
        setattr(self, event, self.fail)
        self.event = event

    def fail(self, learner):
        raise RuntimeError(f'broken {self.event}')


@pytest.mark.parametrize('event', EVENTS)
def test_a_raising_callback_leaves_the_learner_consistent(event, tmp_path):
    data = modular_arithmetic(p=13, train_fraction=0.5, encoding='tokens', device='cpu')
    seed_everything(0)
    model = Transformer(data.vocab_size, data.n_classes, d_model=16, d_mlp=32)
    learner = Learner(model, data, progress=False)
    learner.fit(3, callbacks=[GrokAlign(estimator='output')])
    with pytest.raises(RuntimeError, match=f'broken {event}'):
        learner.fit(5, callbacks=[GrokAlign(estimator='output'), Broken(event)])
    assert hooks(model) == 0  # GrokAlign let go of the model
    assert len(learner.callbacks) == 2  # the fit's own callbacks are gone
    adam_steps = {int(state['step']) for state in learner.optimizer.state.values()}
    assert adam_steps == {learner.step}  # optimiser and learner agree on the steps taken
    learner.fit(2)  # and it trains on
    assert learner.step == adam_steps.pop() + 2


def test_nan_guard_every_25_restores_finite_state():
    data = modular_arithmetic(p=31, device='cpu')
    seed_everything(0)
    learner = Learner(MLP([62, 64, 31]), data, lr=1e9, weight_decay=1.0, metrics_every=5, progress=False)
    learner.callbacks = [NaNGuard(every=25) if isinstance(cb, NaNGuard) else cb for cb in learner.callbacks]
    with warnings.catch_warnings(record=True):
        warnings.simplefilter('always')
        history = learner.fit(300)
    assert history.stop_reason.startswith('diverged')
    assert all(torch.isfinite(p).all() for p in learner.model.parameters())
    assert all(torch.isfinite(v).all() for state in learner.optimizer.state.values() for v in state.values())
    assert all(value == value and abs(value) != float('inf') for *_, value in history)


def rss_mb() -> float:
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists('/proc/self/statm'), reason='reads memory from /proc')
def test_soak_many_runs_and_dashboard_cycles():
    from grok_explore.widgets import modular_dashboard

    def runs():
        data = modular_arithmetic(p=23, device='cpu')
        for seed in range(20):
            seed_everything(seed)
            model = MLP([46, 64, 23])
            Learner(model, data, lr=3e-3, weight_decay=1.0, metrics_every=20, progress=False).fit(50)
            assert hooks(model) == 0

    def cycles():
        board, state = modular_dashboard(device='cpu')
        board.steps.value = 20
        for _ in range(10):
            board.buttons['Train'].click()
            board.wait()
            board.buttons['Reset'].click()
        assert state.run.learner.step == 0

    runs()
    cycles()  # once to warm up caches and lazily loaded modules
    gc.collect()
    threads, before = threading.active_count(), rss_mb()
    runs()
    cycles()
    gc.collect()
    assert rss_mb() - before < 50, f'memory grew by {rss_mb() - before:.0f} MB'
    assert threading.active_count() <= threads, 'a training thread outlived its run'
