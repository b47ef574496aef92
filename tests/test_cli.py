"The `grok-explore` command: bad input gives one clear line, a real run prints both events and writes the plot."

import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [str(Path(sys.executable).parent / 'grok-explore')]  # the console script of this environment
MODULE = [sys.executable, '-m', 'grok_explore']


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.parametrize(
    'args, needle',
    [
        (['--p', '1'], 'p must be an integer >= 2'),
        (['--train-fraction', '-0.5'], 'train_fraction must be a number in (0, 1)'),
        (['--operation', 'pow'], "operation must be one of '+', '-', '*', '/'"),
        (['--p', '58', '--operation', '/'], 'p must be prime for division'),
        (['--hidden', '0'], 'hidden must be an integer >= 1'),
        (['--steps', '-5'], 'steps must be an integer >= 1'),
        (['--device', 'tpu'], 'device must be'),
        (['--out', '/dev/null/plots'], 'out must be a folder'),
        (['--p', 'abc'], "invalid int value: 'abc'"),
        (['--lr', 'inf'], 'lr must be a finite number > 0'),
        (['--weight-decay', 'nan'], 'weight_decay must be a finite number >= 0'),
        (['--p', '100000'], 'use a smaller --p or --hidden'),
        (['--hidden', '1000000000'], 'use a smaller --p or --hidden'),
    ],
)
def test_bad_input_is_one_clear_line(args, needle, tmp_path):
    out = tmp_path / 'plots'
    result = run(COMMAND + ['demo', '--out', str(out)] + args)
    assert not out.exists() or '--out' in args  # the folder is made only once the settings are good
    assert result.returncode == 2
    assert needle in result.stderr
    assert result.stderr.count('\n') == 1, result.stderr  # one line, no traceback
    assert 'Traceback' not in result.stderr


def test_help_lists_the_settings():
    result = run(MODULE + ['demo', '--help'])
    assert result.returncode == 0
    for flag in ['--p', '--train-fraction', '--weight-decay', '--out', '--device']:
        assert flag in result.stdout


@pytest.mark.slow
def test_demo_prints_both_events_and_writes_the_plot(tmp_path):
    result = run(MODULE + ['demo', '--p', '31', '--train-fraction', '0.7', '--out', str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'fit:  train accuracy >= 99% at step' in result.stdout
    assert 'grok: test accuracy >= 95% at step' in result.stdout
    png = tmp_path / 'grokking.png'
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and png.stat().st_size > 20_000
