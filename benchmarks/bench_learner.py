"""Learner overhead: the callback Learner against a bare hand-written torch loop doing the same work.

Both train the same model from the same initial weights for the same number of full-batch AdamW steps and evaluate
train/test loss and accuracy every 100 steps. Runs alternate (bare, learner, bare, learner, ...) and the medians are
compared, so both see the same machine load. Usage: python benchmarks/bench_learner.py [--quick]
"""

import contextlib
import copy
import io

import torch
import torch.nn.functional as F

from grok_explore.core import cpu_threads, seed_everything, training_threads
from grok_explore.data import modular_arithmetic
from grok_explore.learner import Learner
from grok_explore.models import MLP, Committee
from grok_explore.synthetic import polynomial_teacher

from common import alternating_medians, quick_flag, timed


def bare_loop(model, data, steps, lr, weight_decay, every, classification):
    "The straightforward loop: what one would write by hand (with the thread count the Learner chooses, to compare)."
    with cpu_threads(sum(p.numel() for p in model.parameters()), data.x_train.device):
        return _bare_loop(model, data, steps, lr, weight_decay, every, classification)


def _bare_loop(model, data, steps, lr, weight_decay, every, classification):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = F.cross_entropy if classification else F.mse_loss
    records = []
    for step in range(1, steps + 1):
        loss = loss_fn(model(data.x_train), data.y_train)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step % every == 0:
            with torch.no_grad():
                for split, x, y in [('train', data.x_train, data.y_train), ('test', data.x_test, data.y_test)]:
                    out = model(x)
                    records.append((step, split, 'loss', loss_fn(out, y).item()))
                    if classification:
                        records.append((step, split, 'accuracy', (out.argmax(-1) == y).float().mean().item()))
    return records


def learner_loop(model, data, steps, lr, weight_decay, every, progress):
    learner = Learner(model, data, lr=lr, weight_decay=weight_decay, metrics_every=every, progress=progress)
    with contextlib.redirect_stderr(io.StringIO()):  # keep the progress bar out of the report
        learner.fit(steps)
    return learner.history


def compare(name, make_model, data, steps, repeats, lr, weight_decay, classification):
    "Median seconds of the bare loop and of the learner (with and without its progress bar), alternating."
    initial = make_model()
    medians = alternating_medians(
        {
            'bare': lambda: timed(
                lambda: bare_loop(copy.deepcopy(initial), data, steps, lr, weight_decay, 100, classification)
            ),
            'learner': lambda: timed(
                lambda: learner_loop(copy.deepcopy(initial), data, steps, lr, weight_decay, 100, True)
            ),
            'learner, no progress bar': lambda: timed(
                lambda: learner_loop(copy.deepcopy(initial), data, steps, lr, weight_decay, 100, False)
            ),
        },
        repeats,
    )
    print(f"\n{name}: {steps} steps, metrics every 100, median of {repeats}")
    for k, v in medians.items():
        print(f"  {k:26} {v:7.3f} s  {1000 * v / steps:6.3f} ms/step  ratio {v / medians['bare']:.3f}")
    return medians['learner'] / medians['bare'], medians['learner, no progress bar'] / medians['bare']


def main():
    quick = quick_flag(__doc__, 'fewer steps and repeats (under 2 minutes)')
    steps, repeats = (600, 3) if quick else (2000, 5)
    threads = training_threads(sum(p.numel() for p in MLP([118, 128, 59]).parameters()))
    print(f"torch {torch.__version__}, device cpu, {threads or torch.get_num_threads()} thread(s) in both loops")

    seed_everything(0)
    modular = modular_arithmetic(p=59, train_fraction=0.5, device='cpu')
    ratio, ratio_quiet = compare(
        'demo MLP 118-128-59 on modular addition (1740 train pairs)',
        lambda: MLP([118, 128, 59]),
        modular,
        steps,
        repeats,
        3e-3,
        1.0,
        True,
    )
    poly = polynomial_teacher(d=40, n_train=120, n_test=2000, device='cpu')
    small, small_quiet = compare(
        "Kumar committee D=40 N=100 on 120 points (tiny steps: overhead shows most)",
        lambda: Committee(40, 100),
        poly,
        steps * 5,
        repeats,
        1e-3,
        0.0,
        False,
    )
    print()
    print(f"learner_overhead_ratio = {ratio:.3f}")
    print(f"learner_overhead_ratio_no_progress = {ratio_quiet:.3f}")
    print(f"learner_overhead_ratio_tiny_model = {small:.3f}")


if __name__ == '__main__':
    main()
