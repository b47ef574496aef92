"Kumar et al.'s lazy → rich picture on the fast committee setting (D=40, N=100, ε=0.5, η₀=50, P=200): seconds on a CPU."

from dataclasses import replace

import pytest

from grok_explore.lazy_rich import FAST, alpha_sweep, lazy_rich_run, outcome_map, sampling_error

SETTING = replace(FAST, n_train=200)


def test_closed_form_loss_follows_the_measured_test_loss():
    run = lazy_rich_run(SETTING, alpha=1.0, steps=400, every=50)
    curves = run.curves()
    gap = (curves.test_loss - curves.closed_form_test_loss).abs()  # exact against 10,000 test points
    tolerance = 4 * sampling_error(run.learner.data) * curves.closed_form_test_loss.max()
    assert (gap < tolerance).all(), curves[['test_loss', 'closed_form_test_loss']]
    assert curves.test_loss.iloc[-1] < 0.8 * curves.test_loss.iloc[0]  # and the run did learn


def test_large_alpha_stays_on_the_linearised_model_and_k0():
    run = lazy_rich_run(SETTING, alpha=100.0, steps=400, every=50)
    curves = run.curves()
    assert ((curves.test_loss - curves.lazy_test_loss).abs() / curves.lazy_test_loss).max() < 0.05
    sweep = alpha_sweep(SETTING, alphas=(100.0,), steps=3000, record_every=50)
    final = sweep.runs.test_loss[0, -1].item()
    error = 4 * sampling_error(run.learner.data)  # final is exact; the lazy limit and K0 use the test set
    assert abs(final / sweep.lazy.test_loss[-1].item() - 1) < error, (final, sweep.lazy.test_loss[-1].item())
    assert abs(final / sweep.k0_loss - 1) < error, (final, sweep.k0_loss)


def test_small_alpha_kernel_aligns_before_the_test_loss_drops():
    run = lazy_rich_run(SETTING, alpha=0.3, steps=400, every=10)
    curves = run.curves()
    start, top = curves.target_alignment.iloc[0], curves.target_alignment.max()
    aligned = curves.index[curves.target_alignment >= start + 0.5 * (top - start)][0]
    dropped = run.first_step_below(0.1)
    assert dropped is not None and aligned < dropped, (aligned, dropped)


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_larger_alpha_groks_later(seed):
    table = alpha_sweep(replace(SETTING, seed=seed), alphas=(0.3, 1.0, 3.0), steps=4000).table(threshold=0.1)
    steps = (
        table.generalise_step.astype(float).fillna(float('inf')).tolist()
    )  # not within the budget: later than any step
    assert steps[0] < steps[1] < steps[2] and steps[1] < float('inf'), table
    assert (table.outcome == 'grok').sum() >= 2, table


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='alpha'):
        lazy_rich_run(SETTING, alpha=0.0)
    with pytest.raises(ValueError, match='sizes'):
        outcome_map(sizes=(0,), steps=10)
    with pytest.raises(ValueError, match='alphas'):
        alpha_sweep(SETTING, alphas=(1.0, -1.0), steps=10)
