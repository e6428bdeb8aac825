// Plain values out of ONNX protobuf messages: attributes, value_info shapes and types, Constant node
// payloads, and a topological order for graphs whose writer did not sort the nodes.
import type { onnx } from 'onnx-proto';
import type { Shape } from '../../model/ir';
import { dtypeName, int64, shortestFloat32, smallTensorValues, tensorDims } from './tensors';
import { ModelFormatError } from '../reader';

const utf8 = new TextDecoder();

/** The subgraphs a node holds: If's branches, Loop's and Scan's bodies (GRAPH attributes), any GRAPHS list. */
export const subgraphsOf = (node: onnx.INodeProto): onnx.IGraphProto[] =>
  (node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);

/** An attribute as a plain value; float32 values come back as the decimal the author wrote. */
export function attributeValue(a: onnx.IAttributeProto): unknown {
  switch (a.type || typeFromFields(a)) {
    case 1:
      return shortestFloat32(a.f ?? 0);
    case 2:
      return int64(a.i);
    case 3:
      return utf8.decode(a.s ?? new Uint8Array());
    case 4:
      return a.t ? tensorAttribute(a.t) : undefined;
    case 5:
      return { graph: a.g?.name ?? '' };
    case 6:
      return (a.floats ?? []).map(shortestFloat32);
    case 7:
      return (a.ints ?? []).map(int64);
    case 8:
      return (a.strings ?? []).map((s) => utf8.decode(s));
    default:
      return undefined;
  }
}

/** A tensor attribute by its dims and dtype, with its value when it is one element (ConstantOfShape's fill). */
function tensorAttribute(t: onnx.ITensorProto): { dims: number[]; dtype: string; value?: number } {
  const dims = tensorDims(t);
  const value = dims.every((d) => d === 1) ? smallTensorValues(t)?.[0] : undefined;
  return { dims, dtype: dtypeName(t.dataType), ...(value !== undefined ? { value } : {}) };
}

/** Files from before AttributeProto.type existed leave it 0: the field that is present tells. */
function typeFromFields(a: onnx.IAttributeProto): number {
  const own = (key: string) => Object.prototype.hasOwnProperty.call(a, key);
  if (own('f')) return 1;
  if (own('i')) return 2;
  if (own('s')) return 3;
  if (own('t')) return 4;
  if (own('g')) return 5;
  if (a.floats?.length) return 6;
  if (a.ints?.length) return 7;
  return a.strings?.length ? 8 : 0;
}

/** A Constant node's value: a tensor, or (op set 12+) value_float(s) / value_int(s). */
export function constantTensor(node: onnx.INodeProto): onnx.ITensorProto | undefined {
  const attr = node.attribute?.find((x) => x.name?.startsWith('value'));
  switch (attr?.name) {
    case 'value':
      return attr.t ?? undefined;
    case 'value_float':
      return { dims: [], dataType: 1, floatData: [attr.f ?? 0] };
    case 'value_floats':
      return { dims: [attr.floats?.length ?? 0], dataType: 1, floatData: attr.floats ?? [] };
    case 'value_int':
      return { dims: [], dataType: 7, int64Data: [attr.i ?? 0] };
    case 'value_ints':
      return { dims: [attr.ints?.length ?? 0], dataType: 7, int64Data: attr.ints ?? [] };
    default:
      return undefined;
  }
}

export function valueShape(v: onnx.IValueInfoProto): Shape | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  // dim_value and dim_param are a oneof; a dimension with neither is unknown.
  return (shape.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : d.dimValue != null ? int64(d.dimValue) : null,
  );
}

/**
 * Output `i` of an If node: the shape both branches declare for it, a dim they disagree on unknown
 * (the spec lets the branches differ; the rank is common when both declare one).
 */
export function ifOutputShape(node: onnx.INodeProto, i: number): Shape | undefined {
  const branch = (name: string) => node.attribute?.find((a) => a.name === name)?.g?.output?.[i];
  const [a, b] = [branch('then_branch'), branch('else_branch')].map((v) => v && valueShape(v));
  if (!a || !b || a.length !== b.length) return undefined;
  return a.map((d, k) => (d === b[k] ? d : null));
}

export function valueDtype(v: onnx.IValueInfoProto): string | undefined {
  const t = v.type?.tensorType;
  return t ? dtypeName(t.elemType) : undefined;
}

/** Node indices in a topological order (depth first over producers); throws on a cycle. */
export function topologicalOrder(nodes: onnx.INodeProto[], path: string): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output?.forEach((o) => o && producer.set(o, i)));
  const deps = nodes.map((n) =>
    (n.input ?? []).map((name) => producer.get(name)).filter((p): p is number => p !== undefined),
  );
  const order: number[] = [];
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 done
  for (let start = 0; start < nodes.length; start++) {
    if (state[start] !== 0) continue;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const [i, next] = top;
      const d = deps[i] as number[];
      if (next < d.length) {
        top[1]++;
        const j = d[next] as number;
        if (state[j] === 1) {
          const where = nodes[i]?.name || `#${i}`;
          throw new ModelFormatError('onnx', `${path}: the graph has a cycle through node ${where}`, {
            node: where,
          });
        }
        if (state[j] === 0) {
          state[j] = 1;
          stack.push([j, 0]);
        }
      } else {
        state[i] = 2;
        order.push(i);
        stack.pop();
      }
    }
  }
  return order;
}
