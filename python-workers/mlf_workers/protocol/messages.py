"""Worker protocol v1 headers: msgpack encoding and JSON Schema validation.

The schemas are not written here: they are exported from the TypeScript zod definitions
(src/workers/protocol/messages.ts) into messages.schema.json next to this file, so both sides validate
against one source of truth. This module only picks the alternative of the discriminated union that
matches a header's `type` (so error messages name the offending field instead of "not valid under any
of the given schemas") and turns every problem into a ProtocolError carrying the protocol error code.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import msgpack

PROTOCOL_VERSION = 1
SCHEMA_FILE = "messages.schema.json"

Header = dict[str, Any]


class ProtocolError(Exception):
    """A message that cannot be accepted; `code` is the protocol error code sent back to the pool."""

    def __init__(self, code: str, message: str, job_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.job_id = job_id


@dataclass(frozen=True)
class Message:
    """A validated header plus its payload frames (zmq frames or bytes-like, never copied here)."""

    header: Header
    frames: Sequence[Any]

    @property
    def type(self) -> str:
        return str(self.header["type"])


def _load_schema() -> dict[str, Any]:
    ref = resources.files(__package__).joinpath(SCHEMA_FILE)
    if not ref.is_file():
        raise FileNotFoundError(
            f"protocol schema {SCHEMA_FILE} is missing from the mlf_workers package; regenerate it with "
            "`node bin/run-ts.js scripts/export-proto.ts`"
        )
    schema: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return schema


class _SchemaSet:
    """One compiled validator per message type, resolved from the exported discriminated union."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        validator_cls = jsonschema.validators.validator_for(schema)
        validator_cls.check_schema(schema)
        self._root = schema
        self._by_type: dict[str, jsonschema.protocols.Validator] = {}
        for alternative in self._alternatives(schema):
            resolved = self._resolve(alternative)
            type_name = self._type_const(resolved)
            # Keep the root's $defs reachable from the sub-schema so internal $refs still resolve.
            sub = dict(resolved)
            for defs_key in ("$defs", "definitions"):
                if defs_key in schema and defs_key not in sub:
                    sub[defs_key] = schema[defs_key]
            self._by_type[type_name] = validator_cls(sub)
        if not self._by_type:
            raise ValueError(f"{SCHEMA_FILE} has no message alternatives (expected a union on `type`)")

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._by_type)

    def _resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node
        if not ref.startswith("#/"):
            raise ValueError(f"{SCHEMA_FILE}: only local $refs are supported, got {ref!r}")
        target: Any = self._root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return self._resolve(target)

    def _alternatives(self, schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        root = self._resolve(schema) if "$ref" in schema else schema
        for key in ("oneOf", "anyOf"):
            if key in root:
                return list(root[key])
        raise ValueError(f"{SCHEMA_FILE}: root is not a union (no oneOf/anyOf)")

    def _type_const(self, schema: Mapping[str, Any]) -> str:
        prop = self._resolve(schema.get("properties", {}).get("type", {}))
        if "const" in prop:
            return str(prop["const"])
        enum = prop.get("enum")
        if isinstance(enum, list) and len(enum) == 1:
            return str(enum[0])
        raise ValueError(f"{SCHEMA_FILE}: a union alternative has no constant `type`")

    def validate(self, header: Mapping[str, Any]) -> None:
        type_name = header.get("type")
        if not isinstance(type_name, str):
            raise ProtocolError("MALFORMED", "header has no string `type` field", _job_id_of(header))
        validator = self._by_type.get(type_name)
        if validator is None:
            known = ", ".join(sorted(self._by_type))
            raise ProtocolError(
                "MALFORMED", f"unknown message type {type_name!r} (known: {known})", _job_id_of(header)
            )
        errors = sorted(validator.iter_errors(header), key=lambda e: list(e.path))
        if errors:
            details = "; ".join(_describe(e) for e in errors[:5])
            more = f"; ... and {len(errors) - 5} more" if len(errors) > 5 else ""
            raise ProtocolError(
                "MALFORMED", f"invalid {type_name!r} header: {details}{more}", _job_id_of(header)
            )


def _describe(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.path) or "(root)"
    return f"{path}: {error.message}"


def _job_id_of(header: Mapping[str, Any]) -> str | None:
    job_id = header.get("job_id")
    return job_id if isinstance(job_id, str) and job_id else None


@cache
def schemas() -> _SchemaSet:
    """The compiled schema set, loaded once from package data."""
    return _SchemaSet(_load_schema())


def decode_header(raw: bytes | memoryview) -> Header:
    """msgpack bytes → header map, without schema validation. Raises ProtocolError(MALFORMED)."""
    try:
        value = msgpack.unpackb(raw, raw=False, strict_map_key=True)
    except Exception as exc:  # msgpack raises several unrelated exception types for bad input
        raise ProtocolError("MALFORMED", f"header is not valid msgpack: {type(exc).__name__}: {exc}") from exc
    if not isinstance(value, dict):
        raise ProtocolError("MALFORMED", f"header must be a msgpack map, got {type(value).__name__}")
    return value


def validate_header(header: Header) -> None:
    """Protocol version first (so a newer pool is told PROTOCOL_MISMATCH, not MALFORMED), then schema."""
    version = header.get("protocol")
    if isinstance(version, int) and not isinstance(version, bool) and version != PROTOCOL_VERSION:
        raise ProtocolError(
            "PROTOCOL_MISMATCH",
            f"pool speaks protocol v{version}, this worker speaks v{PROTOCOL_VERSION}",
            _job_id_of(header),
        )
    schemas().validate(header)


def expected_frames(header: Mapping[str, Any]) -> int:
    frames = header.get("frames")
    return len(frames) if isinstance(frames, list) else 0


def decode_message(parts: Sequence[Any]) -> Message:
    """Multipart (header, *frames) → validated Message; checks the payload frame count too."""
    if not parts:
        raise ProtocolError("MALFORMED", "empty message: no header frame")
    head = parts[0]
    header = decode_header(head.buffer if hasattr(head, "buffer") else head)
    validate_header(header)
    payload = parts[1:]
    expected = expected_frames(header)
    if expected != len(payload):
        raise ProtocolError(
            "MALFORMED",
            f"{header['type']!r} message announces {expected} payload frame(s) but carries {len(payload)}",
            _job_id_of(header),
        )
    return Message(header, payload)


class HeaderFactory:
    """Builds outgoing headers: fills `protocol` and a per-sender unique `msg_id`."""

    def __init__(self, sender: str) -> None:
        self._prefix = f"{sender}-{os.getpid()}-"
        self._counter = itertools.count(1)

    def make(self, type_name: str, **fields: Any) -> Header:
        header: Header = {"protocol": PROTOCOL_VERSION, "type": type_name, "msg_id": self.next_id()}
        header.update({k: v for k, v in fields.items() if v is not None})
        return header

    def next_id(self) -> str:
        return f"{self._prefix}{next(self._counter)}"


def encode_header(header: Mapping[str, Any]) -> bytes:
    packed: bytes = msgpack.packb(header, use_bin_type=True)
    return packed
