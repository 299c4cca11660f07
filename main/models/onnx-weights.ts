// Lists an ONNX model's initializers and writes float32 weights into them (ModelProto → GraphProto → TensorProto).
import { concat, lenField, parseMessage, repeatedVarints, textOf, varintOf, type Field } from './protobuf.ts';

/** Field numbers from onnx.proto3. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR = {
  DIMS: 1,
  DATA_TYPE: 2,
  FLOAT_DATA: 4,
  NAME: 8,
  RAW_DATA: 9,
  EXTERNAL_DATA: 13,
  DATA_LOCATION: 14,
} as const;
/** TensorProto.DataType.FLOAT */
export const ONNX_FLOAT = 1;

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** Whether the tensor carries values (raw_data, float_data or external data). */
  readonly hasData: boolean;
}

function initializerOf(fields: readonly Field[]): OnnxInitializer {
  const dataType = fields.find((f) => f.no === TENSOR.DATA_TYPE);
  const name = fields.find((f) => f.no === TENSOR.NAME);
  return {
    name: name ? textOf(name) : '',
    dims: repeatedVarints(fields, TENSOR.DIMS),
    dataType: dataType ? varintOf(dataType) : 0,
    hasData: fields.some(
      (f) =>
        (f.no === TENSOR.RAW_DATA || f.no === TENSOR.FLOAT_DATA || f.no === TENSOR.EXTERNAL_DATA) &&
        f.payload.length > 0,
    ),
  };
}

function graphOf(model: Uint8Array): { modelFields: Field[]; graphFields: Field[] } {
  const modelFields = parseMessage(model);
  const graphs = modelFields.filter((f) => f.no === MODEL_GRAPH);
  if (graphs.length !== 1) throw new Error(`an ONNX model has one graph, found ${graphs.length}`);
  return { modelFields, graphFields: parseMessage(graphs[0]!.payload) };
}

export function listInitializers(model: Uint8Array): OnnxInitializer[] {
  return graphOf(model)
    .graphFields.filter((f) => f.no === GRAPH_INITIALIZER)
    .map((f) => initializerOf(parseMessage(f.payload)));
}

/** The encoded GraphProto: two models with equal graphs compute the same thing. */
export function graphBytes(model: Uint8Array): Uint8Array {
  return parseMessage(model).find((f) => f.no === MODEL_GRAPH)?.payload ?? new Uint8Array(0);
}

function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

/**
 * A copy of `model` whose named float initializers hold `weights` (as raw_data). Every weight must
 * land in an initializer of its size, and no initializer may be left without data.
 */
export function fillInitializers(model: Uint8Array, weights: ReadonlyMap<string, Float32Array>): Uint8Array {
  const { modelFields, graphFields } = graphOf(model);
  const used = new Set<string>();
  const graph = graphFields.map((field) => {
    if (field.no !== GRAPH_INITIALIZER) return field.raw;
    const tensor = parseMessage(field.payload);
    const info = initializerOf(tensor);
    const values = weights.get(info.name);
    if (!values) {
      if (!info.hasData) throw new Error(`initializer ${info.name} has no data and no weight was given for it`);
      return field.raw;
    }
    const count = info.dims.reduce((a, b) => a * b, 1);
    if (info.dataType !== ONNX_FLOAT || count !== values.length) {
      throw new Error(
        `initializer ${info.name} (type ${info.dataType}, ${count} values) cannot take ${values.length} float32 values`,
      );
    }
    used.add(info.name);
    const kept = tensor.filter(
      (f) =>
        !([TENSOR.FLOAT_DATA, TENSOR.RAW_DATA, TENSOR.EXTERNAL_DATA, TENSOR.DATA_LOCATION] as number[]).includes(f.no),
    );
    return lenField(
      GRAPH_INITIALIZER,
      concat([...kept.map((f) => f.raw), lenField(TENSOR.RAW_DATA, float32Bytes(values))]),
    );
  });
  const unused = [...weights.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`the graph has no initializer for ${unused.join(', ')}`);
  const graphPayload = concat(graph);
  return concat(modelFields.map((f) => (f.no === MODEL_GRAPH ? lenField(MODEL_GRAPH, graphPayload) : f.raw)));
}
