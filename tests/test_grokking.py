"Grokking really happens on the CPU: train accuracy reaches 99% first, test accuracy 95% at least twice as late."

import pytest

from grok_explore.cli import run_demo


@pytest.mark.slow
def test_modular_addition_groks(tmp_path):
    result = run_demo(p=41, train_fraction=0.6, seed=0, out=str(tmp_path), progress=False, verbose=False)
    fit, grok = result.fit_step, result.grok_step
    assert fit is not None, 'the network never fitted its training pairs'
    assert grok is not None, f'no grokking within {result.history[-1][0]} steps'
    assert grok >= 2 * fit, f'test accuracy followed too soon: fit at {fit}, grok at {grok}'
    steps, train_accuracy = result.history.series('train', 'accuracy')
    assert train_accuracy[steps.index(grok)] >= 0.99  # still fitted when it groks
    _, test_accuracy = result.history.series('test', 'accuracy')
    assert test_accuracy[steps.index(fit)] < 0.5  # memorised, not generalised, at the fit step
    print(f'fit at step {fit}, grok at step {grok} ({grok / fit:.0f}x later), {result.seconds:.1f} s')
