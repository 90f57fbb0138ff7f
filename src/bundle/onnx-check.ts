/**
 * Is this byte string an ONNX ModelProto? A small protobuf reader walks the wire format of the whole
 * file (every tag, length and varint in bounds, every byte consumed) and descends into the messages
 * that make a model a model: ModelProto → opset_import, graph → node, initializer, input, output.
 * It needs no native code and never runs anything; onnxruntime is not loaded.
 *
 * It also refuses tensors stored as external data: a bundle holds only .json and .onnx files, so a
 * model pointing at a side file could not be verified (or loaded) from the bundle.
 */

/** Protobuf wire types ONNX uses: varint, fixed64, length-delimited, fixed32. Groups (3, 4) never appear. */
type Wire = 0 | 1 | 2 | 5;

interface FieldSpec {
  /** Allowed wire types (repeated scalars may come packed as 2 or unpacked). */
  wire: readonly Wire[];
  /** Descend into the bytes of a length-delimited field as this message. */
  message?: MessageName;
}

type MessageName =
  | "ModelProto"
  | "OperatorSetIdProto"
  | "GraphProto"
  | "NodeProto"
  | "ValueInfoProto"
  | "TensorProto";

const V: readonly Wire[] = [0];
const LEN: readonly Wire[] = [2];
const PACKED_VARINT: readonly Wire[] = [0, 2];

/** Field numbers from onnx.proto (ONNX 1.17). Fields not listed are skipped after a wire-format check. */
const SPECS: Record<MessageName, Record<number, FieldSpec>> = {
  ModelProto: {
    1: { wire: V }, // ir_version
    2: { wire: LEN }, // producer_name
    3: { wire: LEN }, // producer_version
    4: { wire: LEN }, // domain
    5: { wire: V }, // model_version
    6: { wire: LEN }, // doc_string
    7: { wire: LEN, message: "GraphProto" },
    8: { wire: LEN, message: "OperatorSetIdProto" },
    14: { wire: LEN }, // metadata_props
    20: { wire: LEN }, // training_info
    25: { wire: LEN }, // functions
  },
  OperatorSetIdProto: { 1: { wire: LEN }, 2: { wire: V } },
  GraphProto: {
    1: { wire: LEN, message: "NodeProto" },
    2: { wire: LEN }, // name
    5: { wire: LEN, message: "TensorProto" }, // initializer
    10: { wire: LEN }, // doc_string
    11: { wire: LEN, message: "ValueInfoProto" }, // input
    12: { wire: LEN, message: "ValueInfoProto" }, // output
    13: { wire: LEN, message: "ValueInfoProto" }, // value_info
  },
  NodeProto: {
    1: { wire: LEN }, // input
    2: { wire: LEN }, // output
    3: { wire: LEN }, // name
    4: { wire: LEN }, // op_type
    5: { wire: LEN }, // attribute
    6: { wire: LEN }, // doc_string
    7: { wire: LEN }, // domain
  },
  ValueInfoProto: { 1: { wire: LEN }, 2: { wire: LEN }, 3: { wire: LEN } },
  TensorProto: {
    1: { wire: PACKED_VARINT }, // dims
    2: { wire: V }, // data_type
    8: { wire: LEN }, // name
    9: { wire: LEN }, // raw_data
    13: { wire: LEN }, // external_data
    14: { wire: V }, // data_location
  },
};

const MAX_DEPTH = 8;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** What the check learned about a model; used to compare the graph with the manifest. */
export interface OnnxSummary {
  irVersion: number;
  /** Opset imports: domain ("" is the default ONNX domain) → version. */
  opsets: Map<string, number>;
  producer: string;
  inputs: string[];
  outputs: string[];
  nodes: number;
}

export class NotOnnxError extends Error {
  override readonly name = "NotOnnxError";
}

interface Field {
  number: number;
  wire: Wire;
  /** The varint value (wire 0), or NaN. */
  value: number;
  /** Byte range of a length-delimited payload (wire 2). */
  start: number;
  end: number;
}

/** Reads one message's fields in [start, end); throws NotOnnxError on any malformed byte. */
function readFields(bytes: Uint8Array, start: number, end: number, where: string): Field[] {
  const fields: Field[] = [];
  let pos = start;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new NotOnnxError(`${where}: truncated varint at byte ${pos}`);
      const b = bytes[pos++] as number;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return value;
    }
    throw new NotOnnxError(`${where}: varint longer than 10 bytes at byte ${pos}`);
  };
  while (pos < end) {
    const at = pos;
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (number < 1 || number > 536_870_911)
      throw new NotOnnxError(`${where}: bad field number at byte ${at}`);
    let value = Number.NaN;
    let payloadStart = pos;
    if (wire === 0) value = varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      payloadStart = pos;
      pos += length;
    } else {
      throw new NotOnnxError(
        `${where}: wire type ${wire} of field ${number} at byte ${at} is not used by ONNX`,
      );
    }
    if (pos > end) throw new NotOnnxError(`${where}: field ${number} at byte ${at} runs past the end`);
    fields.push({ number, wire: wire as Wire, value, start: payloadStart, end: pos });
  }
  return fields;
}

function text(bytes: Uint8Array, f: Field, where: string): string {
  try {
    return utf8.decode(bytes.subarray(f.start, f.end));
  } catch {
    throw new NotOnnxError(`${where}: field ${f.number} is not UTF-8 text`);
  }
}

/** Walks `name` in [start, end): wire types of known fields, and known submessages recursively. */
function walk(bytes: Uint8Array, name: MessageName, start: number, end: number, depth: number): Field[] {
  if (depth > MAX_DEPTH) throw new NotOnnxError(`${name}: nested too deeply`);
  const fields = readFields(bytes, start, end, name);
  const spec = SPECS[name];
  for (const f of fields) {
    const s = spec[f.number];
    if (s === undefined) continue;
    if (!s.wire.includes(f.wire)) {
      throw new NotOnnxError(
        `${name}: field ${f.number} has wire type ${f.wire}, expected ${s.wire.join(" or ")}`,
      );
    }
    if (s.message !== undefined) walk(bytes, s.message, f.start, f.end, depth + 1);
  }
  return fields;
}

function sub(bytes: Uint8Array, name: MessageName, f: Field): Field[] {
  return readFields(bytes, f.start, f.end, name);
}

/**
 * Throws NotOnnxError (with a short reason) unless `bytes` is a well-formed ONNX ModelProto with an
 * IR version, at least one opset import, a graph with named outputs, and no external tensor data.
 */
export function checkOnnx(bytes: Uint8Array): OnnxSummary {
  if (bytes.length === 0) throw new NotOnnxError("empty file");
  const model = walk(bytes, "ModelProto", 0, bytes.length, 0);
  const ir = model.filter((f) => f.number === 1);
  const irVersion = ir.at(-1)?.value;
  if (irVersion === undefined || irVersion < 1 || irVersion > 100) {
    throw new NotOnnxError("ModelProto: no plausible ir_version (field 1)");
  }
  const graphs = model.filter((f) => f.number === 7);
  if (graphs.length !== 1)
    throw new NotOnnxError(`ModelProto: ${graphs.length} graphs (field 7), expected 1`);
  const opsets = new Map<string, number>();
  for (const f of model.filter((x) => x.number === 8)) {
    const parts = sub(bytes, "OperatorSetIdProto", f);
    const domainField = parts.find((p) => p.number === 1);
    const domain = domainField === undefined ? "" : text(bytes, domainField, "OperatorSetIdProto.domain");
    const version = parts.find((p) => p.number === 2)?.value;
    if (version === undefined || version < 1)
      throw new NotOnnxError(`opset import "${domain}" has no version`);
    opsets.set(domain === "ai.onnx" ? "" : domain, version);
  }
  if (opsets.size === 0) throw new NotOnnxError("ModelProto: no opset_import (field 8)");
  const producerField = model.find((f) => f.number === 2);
  const producer = producerField === undefined ? "" : text(bytes, producerField, "ModelProto.producer_name");

  const graph = sub(bytes, "GraphProto", graphs[0] as Field);
  const valueNames = (number: number): string[] =>
    graph
      .filter((f) => f.number === number)
      .map((f) => {
        const nameField = sub(bytes, "ValueInfoProto", f).find((p) => p.number === 1);
        if (nameField === undefined)
          throw new NotOnnxError("GraphProto: a graph input or output has no name");
        return text(bytes, nameField, "ValueInfoProto.name");
      });
  const nodes = graph.filter((f) => f.number === 1);
  for (const node of nodes) {
    const op = sub(bytes, "NodeProto", node).find((p) => p.number === 4);
    if (op === undefined || op.end === op.start) throw new NotOnnxError("NodeProto: a node has no op_type");
  }
  for (const init of graph.filter((f) => f.number === 5)) {
    const t = sub(bytes, "TensorProto", init);
    if (t.some((p) => p.number === 13 || (p.number === 14 && p.value === 1))) {
      const nameField = t.find((p) => p.number === 8);
      const tensor = nameField === undefined ? "(unnamed)" : text(bytes, nameField, "TensorProto.name");
      throw new NotOnnxError(`initializer ${tensor} is stored as external data, which a bundle cannot hold`);
    }
  }
  const outputs = valueNames(12);
  if (outputs.length === 0) throw new NotOnnxError("GraphProto: the graph has no outputs");
  return { irVersion, opsets, producer, inputs: valueNames(11), outputs, nodes: nodes.length };
}
