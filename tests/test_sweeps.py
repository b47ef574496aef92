"Sweeps across engines: ensembles in worker processes give the table of one-by-one runs, and the tables land in out/."

import importlib.util
from dataclasses import replace

import pandas as pd
import pytest

from grok_explore.recipe import modular_mlp
from grok_explore.sweeps import sweep

TINY = modular_mlp(p=23, train_fraction=0.7, width=32, lr=1e-2, max_steps=300, run_past=1.0, method='weight decay')
AXES = {'weight_decay': (0.3, 1.0), 'train_fraction': (0.7, 0.9)}
HOW = ['seconds', 'engine']  # when and with whom a run trained
SEEDS = (0, 1, 2, 3)


def test_workers_give_the_one_by_one_table(tmp_path):
    workers = sweep(TINY, AXES, seeds=SEEDS, out=tmp_path, progress=False, workers=2)
    alone = sweep(TINY, AXES, seeds=SEEDS, progress=False, engine='one by one', workers=1)
    assert set(workers.runs.engine) == {'ensemble of 2'}  # 2 shares x 8 runs, halved twice: four tasks per process
    pd.testing.assert_frame_equal(workers.runs.drop(columns=HOW), alone.runs.drop(columns=HOW))
    pd.testing.assert_frame_equal(workers.curves, alone.curves)
    assert len(list((tmp_path / 'runs').glob('*.json'))) == 16  # each run saved by the worker that trained it
    written = pd.read_csv(tmp_path / 'runs.csv')
    assert written[['weight_decay', 'train_fraction', 'seed', 'outcome']].equals(
        workers.runs[['weight_decay', 'train_fraction', 'seed', 'outcome']]
    )
    assert len(pd.read_csv(tmp_path / 'curves.csv')) == len(workers.curves)
    again = sweep(TINY, AXES, seeds=SEEDS, out=tmp_path, progress=False, workers=2)
    assert again.skipped == 16
    pd.testing.assert_frame_equal(again.runs, workers.runs)


def test_methods_inside_the_step_train_one_by_one():
    aligned = replace(TINY, method='GrokAlign', max_steps=60)
    result = sweep(aligned, {'weight_decay': (1.0,)}, seeds=(0, 1), progress=False, workers=1)
    assert set(result.runs.engine) == {'one by one'}
    assert (result.runs.steps <= 60).all()


def test_parquet_needs_pyarrow(tmp_path):
    if importlib.util.find_spec('pyarrow') is None:
        with pytest.raises(ValueError, match="table_format 'parquet' needs pyarrow"):
            sweep(TINY, {'weight_decay': (1.0,)}, out=tmp_path, progress=False, table_format='parquet')
    else:
        sweep(
            replace(TINY, max_steps=20), {'weight_decay': (1.0,)}, out=tmp_path, progress=False, table_format='parquet'
        )
        assert len(pd.read_parquet(tmp_path / 'runs.parquet')) == 1


def test_ray_engine_gives_the_embedded_table(tmp_path):
    ray = pytest.importorskip('ray', reason='Ray is a dev requirement: make install puts it in .venv')
    from grok_explore.sweeps import start_ray

    try:
        start_ray(num_cpus=2)  # a local 2-CPU Ray
        on_ray = sweep(TINY, AXES, seeds=(0, 1), out=tmp_path, progress=False, engine='ray')
    finally:
        ray.shutdown()
    embedded = sweep(TINY, AXES, seeds=(0, 1), progress=False, workers=1)
    pd.testing.assert_frame_equal(on_ray.runs.drop(columns=HOW), embedded.runs.drop(columns=HOW))
    pd.testing.assert_frame_equal(on_ray.curves, embedded.curves)
    assert len(list((tmp_path / 'runs').glob('*.json'))) == 8  # saved here as the results came back
