/**
 * A real ONNX model built byte by byte (protobuf wire format, field numbers from onnx.proto): logistic
 * regression `p_up = Sigmoid(features · w + b)` with input `features` float32 [batch, F] and output
 * `p_up` float32 [batch, 1]. onnxruntime-node runs it and onnx.checker accepts it (tests/bundle/onnx-check.test.ts),
 * so bundle tests use real models without a Python step or a committed binary.
 */

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function concat(parts: readonly (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const enc = new TextEncoder();
const num = (field: number, value: number) => [...varint(field * 8), ...varint(value)];
const len = (field: number, payload: Uint8Array) =>
  concat([varint(field * 8 + 2), varint(payload.length), payload]);
const str = (field: number, s: string) => len(field, enc.encode(s));

const FLOAT = 1;

/** TypeProto for a float tensor whose dims are a name (dim_param) or a size (dim_value). */
function floatTensorType(dims: readonly (string | number)[]): Uint8Array {
  const shape = concat(
    dims.map((d) => len(1, typeof d === "string" ? str(2, d) : new Uint8Array(num(1, d)))),
  );
  return len(1, concat([num(1, FLOAT), len(2, shape)]));
}

function valueInfo(name: string, dims: readonly (string | number)[]): Uint8Array {
  return concat([str(1, name), len(2, floatTensorType(dims))]);
}

function floatTensor(name: string, dims: readonly number[], values: readonly number[]): Uint8Array {
  const raw = new Uint8Array(new Float32Array(values).buffer);
  return concat([...dims.map((d) => num(1, d)), num(2, FLOAT), str(8, name), len(9, raw)]);
}

function node(op: string, inputs: readonly string[], outputs: readonly string[], name: string): Uint8Array {
  return concat([
    ...inputs.map((i) => str(1, i)),
    ...outputs.map((o) => str(2, o)),
    str(3, name),
    str(4, op),
  ]);
}

export interface TinyOnnxOptions {
  weights: readonly number[];
  bias: number;
  inputName?: string;
  outputName?: string;
  opset?: number;
}

export const TINY_OPSET = 17;

export function tinyLogisticOnnx(o: TinyOnnxOptions): Uint8Array {
  const input = o.inputName ?? "features";
  const output = o.outputName ?? "p_up";
  const f = o.weights.length;
  const graph = concat([
    len(1, node("MatMul", [input, "w"], ["z0"], "matmul")),
    len(1, node("Add", ["z0", "b"], ["z"], "add")),
    len(1, node("Sigmoid", ["z"], [output], "sigmoid")),
    str(2, "tiny_logistic"),
    len(5, floatTensor("w", [f, 1], o.weights)),
    len(5, floatTensor("b", [1], [o.bias])),
    len(11, valueInfo(input, ["batch", f])),
    len(12, valueInfo(output, ["batch", 1])),
  ]);
  return concat([
    num(1, 8), // ir_version
    str(2, "mlf-tests"),
    len(7, graph),
    len(8, concat([str(1, ""), num(2, o.opset ?? TINY_OPSET)])),
  ]);
}

/** The same model with its weights stored as external data (which a bundle must refuse). */
export function externalDataOnnx(): Uint8Array {
  const external = concat([str(8, "w"), num(2, FLOAT), num(1, 1), num(1, 1), num(14, 1)]);
  const graph = concat([
    len(1, node("MatMul", ["features", "w"], ["p_up"], "matmul")),
    len(5, external),
    len(11, valueInfo("features", ["batch", 1])),
    len(12, valueInfo("p_up", ["batch", 1])),
  ]);
  return concat([num(1, 8), len(7, graph), len(8, concat([str(1, ""), num(2, TINY_OPSET)]))]);
}
