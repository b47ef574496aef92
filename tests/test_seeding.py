"One seed, independent streams: no two random objects of a run share draws (core.generator(seed, purpose))."

import math

import torch

from grok_explore.recipe import modular_mlp
from grok_explore.core import seed_everything
from grok_explore.data import split_indices
from grok_explore.lazy_rich import FAST, NARROW
from grok_explore.learner import Learner
from grok_explore.synthetic import polynomial_teacher, student_teacher


def unit_cosines(setting, seed):  # -> (N,) |cos(w_i, β)| of every committee unit at initialisation
    setting = type(setting)(**{**vars(setting), 'seed': seed, 'n_test': 10})
    beta = setting.data(dtype='float64').beta
    w = setting.model().weight.detach().double()
    return (w @ beta / (w.norm(dim=1) * beta.norm())).abs()


def test_committee_units_are_at_chance_with_the_teacher():
    # |cos| of an independent direction with β in D dimensions: mean sqrt(2/(πD)), about 0.13 for D = 40
    chance = math.sqrt(2 / (math.pi * FAST.d))
    for setting in (FAST, NARROW):
        cosines = torch.stack([unit_cosines(setting, seed) for seed in range(10)])  # (10 seeds, N units)
        first = cosines[:, 0].mean().item()  # the unit that shared the teacher's draws before (0.6-0.9)
        assert first < 2 * chance, (setting.width, first)
        assert abs(cosines.mean().item() - chance) < 0.6 * chance, (setting.width, cosines.mean().item())


def test_teacher_and_inputs_draw_from_separate_streams():
    # the same seed must not give the teacher the numbers the inputs got
    data = polynomial_teacher(d=20, n_train=5, n_test=5, seed=3, dtype='float64')
    first_input = data.x_train[0] * math.sqrt(20)
    assert not torch.allclose(first_input, data.beta)
    teacher = student_teacher(d=4, hidden=4, n_train=4, n_test=4, seed=3, dtype='float64')
    assert not torch.allclose(teacher.x_train[0], teacher.x_test[0])


def test_split_batches_and_init_differ():
    seed = 5
    train, _ = split_indices(100, 0.5, seed)
    data = modular_mlp(p=11).data(seed)
    seed_everything(seed)
    learner = Learner(modular_mlp(p=11).model(data), data, batch_size=32, seed=seed, metrics_every=None, progress=False)
    order = torch.randperm(100, generator=learner.generator)
    assert not torch.equal(order[:50].sort().values, train.sort().values)  # the batch order is not the split
    seed_everything(seed)
    init_draw = torch.randperm(100)
    assert not torch.equal(init_draw, order) and not torch.equal(init_draw[:50].sort().values, train.sort().values)
