"""Fitter parameter constraints, declared as data and checked in one place.

Each fitter declares `params = {"C": Real(low=0, low_inclusive=False, default=1.0), ...}`; the job
runner validates the `fit` message's params against it before the fitter runs, so fitters only ever
see complete, valid parameters. Every failure names the field (INVALID_PARAMS carries it to the pool).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class InvalidParamsError(ValueError):
    """A fit request the fitter cannot accept; `what` says which kind of field (a parameter by default)."""

    def __init__(self, model_id: str, field: str, problem: str, what: str = "parameter") -> None:
        super().__init__(f"{model_id}: {what} {field!r} {problem}")
        self.field = field


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Real:
    default: float | None
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    nullable: bool = False

    def check(self, value: Any) -> float | None:
        if value is None and self.nullable:
            return None
        if not _is_number(value) or not math.isfinite(float(value)):
            raise ValueError(f"must be a finite number, got {value!r}")
        x = float(value)
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            raise ValueError(f"must be {'>=' if self.low_inclusive else '>'} {self.low}, got {x}")
        if self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive)):
            raise ValueError(f"must be {'<=' if self.high_inclusive else '<'} {self.high}, got {x}")
        return x


@dataclass(frozen=True)
class Integer:
    default: int | None
    low: int | None = None
    high: int | None = None
    nullable: bool = False

    def check(self, value: Any) -> int | None:
        if value is None and self.nullable:
            return None
        # msgpack from JavaScript may carry an integral number as a float (e.g. 100.0).
        if not _is_number(value) or not float(value).is_integer():
            raise ValueError(f"must be an integer, got {value!r}")
        n = int(value)
        if self.low is not None and n < self.low:
            raise ValueError(f"must be >= {self.low}, got {n}")
        if self.high is not None and n > self.high:
            raise ValueError(f"must be <= {self.high}, got {n}")
        return n


@dataclass(frozen=True)
class Choice:
    options: tuple[Any, ...]
    default: Any

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or value not in self.options:
            raise ValueError(f"must be one of {list(self.options)}, got {value!r}")
        return value


@dataclass(frozen=True)
class Text:
    default: str
    max_length: int = 1000

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, got {value!r}")
        if len(value) > self.max_length:
            raise ValueError(f"must be at most {self.max_length} characters, got {len(value)}")
        return value


@dataclass(frozen=True)
class Flag:
    default: bool

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, got {value!r}")
        return value


@dataclass(frozen=True)
class IntegerList:
    """A list of integers (e.g. TCN channels per level): 1..max_length items, each in [low, high]."""

    default: tuple[int, ...]
    low: int | None = None
    high: int | None = None
    max_length: int = 64

    def check(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list | tuple) or not 1 <= len(value) <= self.max_length:
            raise ValueError(f"must be a list of 1 to {self.max_length} integers, got {value!r}")
        item = Integer(default=None, low=self.low, high=self.high)
        out: list[int] = []
        for i, v in enumerate(value):
            try:
                out.append(int(item.check(v)))  # type: ignore[arg-type]
            except ValueError as exc:
                raise ValueError(f"item {i} {exc}") from exc
        return tuple(out)


ParamSpec = Real | Integer | Choice | Text | Flag | IntegerList


def describe_param(spec: ParamSpec) -> dict[str, Any]:
    """One constraint as hello advertises it (ParamInfoSchema in src/workers/protocol/messages.ts)."""
    info: dict[str, Any]
    if isinstance(spec, Real):
        info = {"kind": "real", "default": spec.default}
        if spec.low is not None:
            info.update(low=spec.low, low_inclusive=spec.low_inclusive)
        if spec.high is not None:
            info.update(high=spec.high, high_inclusive=spec.high_inclusive)
        if spec.nullable:
            info["nullable"] = True
    elif isinstance(spec, Integer):
        info = {"kind": "integer", "default": spec.default}
        if spec.low is not None:
            info["low"] = spec.low
        if spec.high is not None:
            info["high"] = spec.high
        if spec.nullable:
            info["nullable"] = True
    elif isinstance(spec, Choice):
        info = {"kind": "choice", "default": spec.default, "options": list(spec.options)}
    elif isinstance(spec, Text):
        info = {"kind": "text", "default": spec.default, "max_length": spec.max_length}
    elif isinstance(spec, IntegerList):
        info = {"kind": "integer_list", "default": list(spec.default), "max_length": spec.max_length}
        if spec.low is not None:
            info["low"] = spec.low
        if spec.high is not None:
            info["high"] = spec.high
    else:
        info = {"kind": "flag", "default": spec.default}
    return info


def describe_params(specs: Mapping[str, ParamSpec]) -> dict[str, dict[str, Any]]:
    return {name: describe_param(spec) for name, spec in specs.items()}


def validate_params(
    model_id: str, specs: Mapping[str, ParamSpec], params: Mapping[str, Any]
) -> dict[str, Any]:
    """Unknown keys and invalid values raise InvalidParamsError; missing keys take their declared default."""
    for name in params:
        if name not in specs:
            known = ", ".join(sorted(specs)) or "none"
            raise InvalidParamsError(model_id, name, f"is not a parameter of this model (known: {known})")
    resolved: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in params:
            resolved[name] = spec.default
            continue
        try:
            resolved[name] = spec.check(params[name])
        except ValueError as exc:
            raise InvalidParamsError(model_id, name, str(exc)) from exc
    return resolved
