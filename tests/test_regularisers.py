"GrokAlign makes modular addition grok sooner than the same training without it (fixed seed, CPU)."

import pytest

from grok_explore.core import seed_everything
from grok_explore.data import modular_arithmetic
from grok_explore.learner import Learner, StopWhen, grokked
from grok_explore.models import MLP
from grok_explore.regularisers import GrokAlign


def steps_to_grok(callbacks, seed=0):
    seed_everything(seed)
    data = modular_arithmetic(p=31, train_fraction=0.7, seed=seed, device='cpu')
    learner = Learner(
        MLP([data.input_dim, 128, data.n_classes]),
        data,
        lr=3e-3,
        weight_decay=1.0,
        metrics_every=10,
        progress=False,
        callbacks=[StopWhen(grokked(0.95), 'grokked')] + callbacks,
    )
    return learner.fit(8000).first_step('test', 'accuracy', 0.95)


@pytest.mark.slow
def test_grokalign_groks_sooner():
    baseline, aligned = steps_to_grok([]), steps_to_grok([GrokAlign(lam=1e-2)])
    assert baseline is not None and aligned is not None
    assert aligned * 2 <= baseline, f'GrokAlign grokked at step {aligned}, the baseline at {baseline}'
