"""The PyTorch sequence models, one file each (a body builder and its parameters over torch_base).

Each module exposes `FITTER`; SEQUENCE_FITTERS below is the one list of them (the worker's registry
and the fit benchmark both read it). Bodies are built inside `build()` so that
importing a model file does not import torch (a worker answers hello before any fit)."""

from __future__ import annotations

from mlf_workers.models.seq import (
    deepar,
    dlinear,
    inception_time,
    itransformer,
    lstm,
    nbeats,
    nhits,
    patchtst,
    quantile_rnn,
    resnet1d,
    tcn,
    tft,
)
from mlf_workers.models.torch_base import SequenceFitter

#: In the order hello advertises them.
SEQUENCE_FITTERS: tuple[SequenceFitter, ...] = (
    lstm.FITTER,
    tcn.FITTER,
    inception_time.FITTER,
    resnet1d.FITTER,
    patchtst.FITTER,
    itransformer.FITTER,
    tft.FITTER,
    deepar.FITTER,
    quantile_rnn.FITTER,
    nbeats.FITTER,
    nhits.FITTER,
    dlinear.FITTER,
)
