"""Worker protocol v1: header codec and validation (schema exported from the TypeScript side)."""

from mlf_workers.protocol.messages import (
    PROTOCOL_VERSION,
    Header,
    HeaderFactory,
    Message,
    ProtocolError,
    decode_header,
    decode_message,
    encode_header,
    schemas,
    validate_header,
)

__all__ = [
    "PROTOCOL_VERSION",
    "Header",
    "HeaderFactory",
    "Message",
    "ProtocolError",
    "decode_header",
    "decode_message",
    "encode_header",
    "schemas",
    "validate_header",
]
