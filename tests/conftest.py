import os

os.environ.setdefault('MPLBACKEND', 'Agg')  # tests never open windows


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: longer than a few seconds (still part of `make test`)')
