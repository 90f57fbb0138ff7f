"""Parameter constraints declared as data: defaults, bounds, types, unknown names."""

from __future__ import annotations

from typing import Any

import pytest

from mlf_workers.models import InvalidParamsError, registry, validate_params
from mlf_workers.models.params import Choice, Flag, Integer, ParamSpec, Real, Text

SPECS: dict[str, ParamSpec] = {
    "C": Real(default=1.0, low=0.0, low_inclusive=False),
    "alpha": Real(default=0.5, low=0.0, high=1.0, high_inclusive=False),
    "max_iter": Integer(default=100, low=1, high=1000),
    "class_weight": Choice(options=(None, "balanced"), default=None),
    "note": Text(default="", max_length=5),
    "verbose": Flag(default=False),
}


def test_defaults_fill_missing_params() -> None:
    assert validate_params("m", SPECS, {}) == {
        "C": 1.0,
        "alpha": 0.5,
        "max_iter": 100,
        "class_weight": None,
        "note": "",
        "verbose": False,
    }


def test_valid_values_are_normalised() -> None:
    # JavaScript numbers arrive as int or float regardless of intent.
    out = validate_params("m", SPECS, {"C": 2, "max_iter": 50.0, "class_weight": "balanced", "verbose": True})
    assert out["C"] == 2.0 and isinstance(out["C"], float)
    assert out["max_iter"] == 50 and isinstance(out["max_iter"], int)
    assert out["class_weight"] == "balanced" and out["verbose"] is True


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"C": 0}, "C", "must be > 0.0"),
        ({"C": -3.5}, "C", "must be > 0.0"),
        ({"C": "1"}, "C", "finite number"),
        ({"C": float("nan")}, "C", "finite number"),
        ({"C": True}, "C", "finite number"),
        ({"alpha": 1.0}, "alpha", "must be < 1.0"),
        ({"max_iter": 0}, "max_iter", "must be >= 1"),
        ({"max_iter": 1001}, "max_iter", "must be <= 1000"),
        ({"max_iter": 2.5}, "max_iter", "must be an integer"),
        ({"class_weight": "auto"}, "class_weight", "must be one of [None, 'balanced']"),
        ({"note": "too long"}, "note", "at most 5 characters"),
        ({"verbose": 1}, "verbose", "true or false"),
        ({"penalty": "l1"}, "penalty", "is not a parameter of this model"),
    ],
)
def test_invalid_params_name_the_field(params: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidParamsError) as caught:
        validate_params("m", SPECS, params)
    assert caught.value.field == field
    assert f"m: parameter {field!r}" in str(caught.value)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("model_id", sorted(registry(debug_enabled=True)))
def test_every_fitter_defaults_are_valid(model_id: str) -> None:
    """A fitter whose declared defaults violate its own constraints would fail every default fit."""
    fitter = registry(debug_enabled=True)[model_id]
    defaults = {name: spec.default for name, spec in fitter.params.items()}
    assert validate_params(model_id, fitter.params, defaults) == defaults
