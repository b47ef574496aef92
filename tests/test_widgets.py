"The digits dashboard's defaults show the phenomenon within one press of Train: GrokAlign memorises, then"

"generalises; weight decay alone does not yet."

import pytest

from grok_explore.learner import grokking_steps
from grok_explore.widgets import grokalign_dashboard


def default_run(**values):
    board, state = grokalign_dashboard(**values)
    board.train(board.steps.value, background=False)
    assert state.status.startswith('finished'), state.status
    return state.run.learner.history


@pytest.mark.slow
def test_digits_dashboard_defaults_grok_with_grokalign():
    fit, grok = grokking_steps(default_run(), fit_threshold=0.99, grok_threshold=0.85)
    assert fit is not None and grok is not None, (fit, grok)
    assert fit < grok, f'train accuracy reached 99% at step {fit}, test 85% at {grok}: no delay to show'


@pytest.mark.slow
def test_digits_dashboard_defaults_do_not_generalise_with_weight_decay_alone():
    "A test of its own, so that the two runs can go to the two test processes."
    baseline = default_run(lam=0.0)
    assert baseline.last('train', 'accuracy') >= 0.99
    assert baseline.last('test', 'accuracy') < 0.85, 'weight decay alone generalised within the default steps too'
