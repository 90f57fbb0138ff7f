"""The PyTorch sequence models, one file each (a body builder and its parameters over torch_base).

Each module exposes `FITTER`; models/__init__.py lists them. Bodies are built inside `build()` so that
importing a model file does not import torch (a worker answers hello before any fit)."""
