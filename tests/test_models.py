"The one-layer transformer learns modular arithmetic from token sequences on the CPU."

import pytest

from grok_explore.core import seed_everything
from grok_explore.data import modular_arithmetic
from grok_explore.learner import Learner, StopWhen
from grok_explore.models import Transformer


@pytest.mark.slow
def test_transformer_fits_small_modular_addition():
    seed_everything(0)
    data = modular_arithmetic(p=23, train_fraction=0.5, encoding='tokens', device='cpu')
    learner = Learner(
        Transformer(data.vocab_size, data.n_classes),
        data,
        lr=1e-3,
        weight_decay=1.0,
        metrics_every=50,
        progress=False,
        callbacks=[StopWhen(lambda l: l.history.last('train', 'accuracy') == 1.0, 'fitted')],
    )
    history = learner.fit(1500)
    assert history.last('train', 'accuracy') == 1.0, history.stop_reason
    assert history.stop_reason.startswith('fitted')
    assert history.series('train', 'accuracy')[1][0] < 0.2  # it learned: chance is 1/23 at the start
