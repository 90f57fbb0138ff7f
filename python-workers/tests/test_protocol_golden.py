"""Golden protocol fixtures written by the TypeScript side (proto/fixtures), decoded and validated here.

The same files are decoded by the TypeScript tests, so together they pin one wire format for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import msgpack
import pytest

from mlf_workers.frames import read_arrow
from mlf_workers.models import FitFrames, registry, resolve_outputs, validate_params
from mlf_workers.protocol import (
    PROTOCOL_VERSION,
    ProtocolError,
    decode_message,
    encode_header,
    schemas,
    validate_header,
)

PROTO = Path(__file__).resolve().parents[2] / "proto"
FIXTURES = PROTO / "fixtures"
NAMES = sorted(p.name.removesuffix(".msgpack") for p in FIXTURES.glob("*.msgpack"))


class Progress:
    def __call__(self, stage: str, **_: object) -> None:
        pass

    def check(self) -> None:
        pass


def payload_frames(name: str) -> list[bytes]:
    frames = sorted(FIXTURES.glob(f"{name}.frame*.bin"), key=lambda p: int(p.name.split(".frame")[1][:-4]))
    return [p.read_bytes() for p in frames]


def test_fixtures_exist() -> None:
    assert NAMES, f"no golden fixtures in {FIXTURES}: run `node bin/run-ts.js scripts/export-proto.ts`"


def test_every_message_type_has_a_fixture() -> None:
    types = {json.loads((FIXTURES / f"{n}.json").read_text())["type"] for n in NAMES}
    assert types == set(schemas().types)


def test_package_schema_is_the_exported_schema() -> None:
    packaged = resources.files("mlf_workers.protocol").joinpath("messages.schema.json").read_bytes()
    assert packaged == (PROTO / "messages.schema.json").read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_fixture_decodes_validates_and_matches_its_json(name: str) -> None:
    raw = (FIXTURES / f"{name}.msgpack").read_bytes()
    message = decode_message([raw, *payload_frames(name)])
    assert message.header == json.loads((FIXTURES / f"{name}.json").read_text())
    assert message.header["protocol"] == PROTOCOL_VERSION
    # Python encodes the same header to the same bytes (same key order, same number encodings).
    assert encode_header(message.header) == raw


@pytest.mark.parametrize("name", [n for n in NAMES if payload_frames(n)])
def test_fixture_arrow_frames_decode_with_announced_rows(name: str) -> None:
    message = decode_message([(FIXTURES / f"{name}.msgpack").read_bytes(), *payload_frames(name)])
    for spec, frame in zip(message.header["frames"], message.frames, strict=True):
        if spec["kind"] == "arrow":
            table = read_arrow(frame)
            if "rows" in spec:
                assert table.num_rows == spec["rows"]


def test_fit_fixture_frames_fit_with_the_logistic_fitter() -> None:
    """Arrow frames written by apache-arrow JS, consumed by a real fitter."""
    message = decode_message([(FIXTURES / "fit.msgpack").read_bytes(), *payload_frames("fit")])
    header = message.header
    tables = {s["name"]: read_arrow(f) for s, f in zip(header["frames"], message.frames, strict=True)}
    fitter = registry(debug_enabled=False)["logistic"]
    outputs = resolve_outputs(fitter, header["outputs"])
    frames = FitFrames(header["view"], tuple(header["input_shape"]), outputs, tables)
    params = validate_params("logistic", fitter.params, header["params"])
    result = fitter.fit(frames, params, header["seed"], Progress())
    assert result.predictions["p_up"].shape == (tables["predict"].num_rows,)
    assert frames.feature_names() == [f"f{i}" for i in range(header["input_shape"][0])]


def test_fixture_with_a_newer_protocol_is_a_mismatch() -> None:
    header = msgpack.unpackb((FIXTURES / "hello_ack.msgpack").read_bytes())
    header["protocol"] = PROTOCOL_VERSION + 1
    with pytest.raises(ProtocolError) as caught:
        validate_header(header)
    assert caught.value.code == "PROTOCOL_MISMATCH"


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda h: h.update(extra=1), "extra"),
        (lambda h: h.pop("msg_id"), "msg_id"),
        (lambda h: h.update(seed="seven"), "seed"),
        (lambda h: h.update(view="pixels"), "view"),
        (lambda h: h["frames"][0].update(kind="csv"), "frames.0.kind"),
    ],
)
def test_schema_violations_are_malformed_and_name_the_field(
    mutate: Callable[[dict[str, Any]], object], fragment: str
) -> None:
    header = msgpack.unpackb((FIXTURES / "fit.msgpack").read_bytes())
    mutate(header)
    with pytest.raises(ProtocolError) as caught:
        validate_header(header)
    assert caught.value.code == "MALFORMED"
    assert caught.value.job_id == "job-1"
    assert fragment in caught.value.message
