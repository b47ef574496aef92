"Sphinx settings for the docs site: `make docs` builds it from the executed notebooks (see docs.py)."

project = 'grok_explore'
author = 'grok_explore developers'
copyright = '2026 onwards, grok_explore developers'
extensions = ['myst_nb']
html_theme = 'furo'
html_title = 'grok_explore'
nb_execution_mode = 'off'  # docs.py executes each notebook once (the tests) and caches the result
nb_output_stderr = 'remove'  # progress bars and warnings belong to the terminal
myst_enable_extensions = ['dollarmath', 'colon_fence']
exclude_patterns = ['**.ipynb_checkpoints']
add_module_names = False
