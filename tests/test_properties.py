"""Property-based tests: random good and bad values thrown at the data builders, models, scaling, metrics, regions and
the Learner's arguments. Every call either works or raises a ValueError/TypeError that names the argument."""

import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grok_explore.data import modular_arithmetic
from grok_explore.learner import Checkpoint, KeepWeights, Learner, MetricsCallback, NaNGuard
from grok_explore.models import MLP, Committee, Transformer
from grok_explore.regions import plane_along, plane_through, region_grid
from grok_explore.scaling import Centered, LazyRich
from grok_explore.synthetic import polynomial_teacher, sparse_parity

SETTINGS = settings(  # derandomised: the same examples every run, so make test is deterministic
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-2, 2),
    st.text(max_size=4),
    st.just([1, 2]),
    st.just(torch.tensor(1.0)),
)


def works_or_names(name: str, call):
    "Call; a refusal must be a ValueError or TypeError whose message names `name`."
    try:
        return call()
    except (ValueError, TypeError) as error:
        assert name in str(error), f"{type(error).__name__} does not name {name!r}: {error}"
        return None


DATA = modular_arithmetic(p=7, train_fraction=0.5, device='cpu')


@SETTINGS
@given(name=st.sampled_from(['p', 'train_fraction', 'seed']), value=anything)
def test_modular_arithmetic(name, value):
    if name == 'p' and isinstance(value, int) and value > 200:
        return  # a valid but large table: not this test's business
    works_or_names(name, lambda: modular_arithmetic(**{name: value}, device='cpu'))


@SETTINGS
@given(name=st.sampled_from(['d', 'n_train', 'n_test', 'seed']), value=anything)
def test_polynomial_teacher(name, value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 1000:
        return
    works_or_names(name, lambda: polynomial_teacher(**{'d': 4, 'n_train': 8, 'n_test': 8, name: value}, device='cpu'))


@SETTINGS
@given(name=st.sampled_from(['n_bits', 'k', 'n_train', 'n_test', 'seed']), value=anything)
def test_sparse_parity(name, value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 40:
        return
    options = {'n_bits': 6, 'k': 2, 'n_train': 16, 'n_test': 16, name: value}
    works_or_names(name, lambda: sparse_parity(**options, device='cpu'))


@SETTINGS
@given(name=st.sampled_from(['init_scale', 'activation', 'bias']), value=anything)
def test_mlp(name, value):
    works_or_names(name, lambda: MLP([4, 8, 3], **{name: value}))


@SETTINGS
@given(width=anything)
def test_mlp_widths(width):
    if isinstance(width, int) and width > 1000:
        return
    works_or_names('widths', lambda: MLP([4, width, 3]))


@SETTINGS
@given(name=st.sampled_from(['d_in', 'width', 'epsilon', 'init_scale', 'seed']), value=anything)
def test_committee(name, value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 1000:
        return
    model = works_or_names(name, lambda: Committee(**{'d_in': 4, 'width': 5, name: value}))
    if model is not None:
        assert torch.isfinite(model.weight).all()  # never a NaN model from a NaN or infinite setting


@SETTINGS
@given(name=st.sampled_from(['seq_len', 'd_model', 'n_heads', 'd_mlp', 'init_scale']), value=anything)
def test_transformer(name, value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 64:
        return
    works_or_names(name, lambda: Transformer(9, 7, **{'d_model': 8, 'n_heads': 2, 'd_mlp': 8, name: value}))


@SETTINGS
@given(alpha=anything, eta0=anything)
def test_scaling(alpha, eta0):
    model = works_or_names('alpha', lambda: Centered(MLP([4, 8, 1]), alpha=alpha))
    if model is not None:
        assert math.isfinite(model.alpha) and model.alpha > 0
    try:
        scaling = LazyRich(alpha, eta0)
    except (ValueError, TypeError) as error:
        assert 'alpha' in str(error) or 'eta0' in str(error), error
    else:
        assert math.isfinite(scaling.lr) and scaling.lr > 0


@SETTINGS
@given(
    name=st.sampled_from(['every', 'eval_size', 'per_decade']),
    value=anything,
    kind=st.sampled_from(['metrics', 'other']),
)
def test_intervals(name, value, kind):
    if kind == 'metrics':
        works_or_names(name, lambda: MetricsCallback(**{name: value}))
    else:
        works_or_names('every', lambda: NaNGuard(every=value))
        works_or_names('every', lambda: Checkpoint('unused.pt', every=value))
        works_or_names('every', lambda: KeepWeights(every=value))


@SETTINGS
@given(
    name=st.sampled_from(['lr', 'weight_decay', 'batch_size', 'metrics_every', 'seed', 'optimizer', 'loss', 'dtype']),
    value=anything,
)
def test_learner_arguments(name, value):
    learner = works_or_names(
        name, lambda: Learner(MLP([DATA.input_dim, 8, DATA.n_classes]), DATA, progress=False, **{name: value})
    )
    if learner is not None:
        learner.fit(2)  # an accepted setting trains
        assert learner.step == 2 or learner.history.stop_reason.startswith('diverged')


@SETTINGS
@given(margin=anything, radius=anything, resolution=anything)
def test_regions(margin, radius, resolution):
    points = torch.eye(3, 6)
    works_or_names('margin', lambda: plane_through(*points, margin=margin))
    plane = works_or_names('radius', lambda: plane_along(points[0], points[1], points[2], radius=radius))
    if plane is not None and isinstance(resolution, int) and resolution <= 64:
        grid = works_or_names('resolution', lambda: region_grid(MLP([6, 8, 3]), plane, resolution=resolution))
        assert grid is None or grid.count >= 1


@pytest.mark.parametrize('value', [math.nan, math.inf, -math.inf])
def test_non_finite_refused(value):
    with pytest.raises(ValueError, match='init_scale'):
        Committee(4, 5, init_scale=value)
    with pytest.raises(ValueError, match='alpha'):
        Centered(MLP([4, 8, 1]), alpha=value)
    with pytest.raises(ValueError, match='lr'):
        Learner(MLP([DATA.input_dim, 8, DATA.n_classes]), DATA, lr=value, progress=False)
