"""Rewrites the exported model's weight matrix products into integer ones.

The export stores every linear weight int8 with one scale per output row and dequantizes it in
the graph (Cast -> Mul(scale) -> Transpose -> MatMul), so onnxruntime multiplies floats. This
rewrite replaces each such chain with

    s   = max(|x| over the row) / 127                one scale per token (row of X)
    q   = round(x / s) + 128                         uint8, zero point 128 (QuantizeLinear, axis 0)
    y   = MatMulInteger(q, W_int8^T, a_zero_point=128)  int32, exact
    out = Cast(y) * s * w_scale                      w_scale: the stored per-output-row scale

followed by the export's own bias Add. The scale is per token, never per tensor: a token's
quantization depends on that token alone, so a headline's label cannot depend on the other
headlines (or the padding) in its batch. Activations uint8 with zero point 128 and weights int8
pick onnxruntime's u8s8 kernels (AVX2 vpmaddubsw, or VNNI where present). The int8 weights are
the stored ones, transposed; the file stays the same size. Only standard ONNX ops (opset 14).

The attention products (Q.K^T, softmax.V) and the classifier stay float.

    /usr/bin/python3 models/train/int8_matmul.py in.onnx out.onnx

train_compact.py calls rewrite() on its export."""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

MODE = os.environ.get('INT8_MODE', 'u8s8')
# Measured here (AVX2, no VNNI): u8s8 fastest; s8s8 falls back to a slow kernel, u8u8 is 1.2x
# slower; the com.microsoft MatMulIntegerToFloat form (INT8_FUSED=1) no faster than standard ops.
FUSED = os.environ.get('INT8_FUSED', '0') == '1'


def _producers(graph):
    return {o: n for n in graph.node for o in n.output}


def _consumers(graph):
    out = {}
    for n in graph.node:
        for i in n.input:
            out.setdefault(i, []).append(n)
    return out


def _weight_chain(matmul, prod, inits):
    """(Transpose, Mul, Cast, weight_q name, weight_scale name) if MatMul's B is a dequantized
    stored weight, else None."""
    t = prod.get(matmul.input[1])
    if t is None or t.op_type != 'Transpose':
        return None
    perm = [list(a.ints) for a in t.attribute if a.name == 'perm']
    if perm != [[1, 0]]:
        return None
    mul = prod.get(t.input[0])
    if mul is None or mul.op_type != 'Mul':
        return None
    cast = next((prod[i] for i in mul.input if i in prod and prod[i].op_type == 'Cast'), None)
    scale = next((i for i in mul.input if i in inits), None)
    if cast is None or scale is None or cast.input[0] not in inits:
        return None
    if inits[cast.input[0]].data_type != TensorProto.INT8:
        return None
    return t, mul, cast, cast.input[0], scale


def rewrite(model):
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    prod, cons = _producers(graph), _consumers(graph)
    new_inits, drop_nodes, drop_inits = [], set(), set()
    replaced = {}

    def const(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    a_signed = MODE == 's8s8'
    zp = const('int8mm/a_zero_point', np.array(0, dtype=np.int8) if a_signed else np.array(128, dtype=np.uint8))
    zp_fill = helper.make_tensor('int8mm/zp_value', TensorProto.INT8 if a_signed else TensorProto.UINT8, [1], [0 if a_signed else 128])
    bzp = const('int8mm/b_zero_point', np.array(128, dtype=np.uint8)) if MODE == 'u8u8' else None
    quantized = {}
    inv127 = const('int8mm/inv127', np.array(1.0 / 127.0, dtype=np.float32))
    one = const('int8mm/one', np.array(1.0, dtype=np.float32)) if FUSED else None
    tiny = const('int8mm/tiny', np.array(1e-12, dtype=np.float32))
    minus1 = const('int8mm/axis_last', np.array([-1], dtype=np.int64))
    zero1 = const('int8mm/zero', np.array([0], dtype=np.int64))

    for node in graph.node:
        if node.op_type != 'MatMul':
            continue
        chain = _weight_chain(node, prod, inits)
        if chain is None:
            continue
        transpose, mul, cast, wq_name, ws_name = chain
        wq = numpy_helper.to_array(inits[wq_name])            # [N, K] int8, one scale per row
        ws = numpy_helper.to_array(inits[ws_name]).reshape(-1).astype(np.float32)  # [N]
        n_out, k = wq.shape
        p = node.name or node.output[0]
        x, y = node.input[0], node.output[0]
        wt = np.ascontiguousarray(wq.T)                         # [K, N] int8
        b = const(f'{wq_name}_t', (wt.astype(np.int16) + 128).astype(np.uint8) if MODE == 'u8u8' else wt)
        col = const(f'{ws_name}_row', ws)                       # [N]
        shape_n = const(f'{p}/int8mm/n', np.array([n_out], dtype=np.int64))
        t = lambda s: f'{p}/int8mm/{s}'  # noqa: E731
        nodes = [
            helper.make_node('Shape', [x], [t('shape')]),
            helper.make_node('Slice', [t('shape'), zero1, minus1], [t('lead')]),
            helper.make_node('Concat', [t('lead'), shape_n], [t('out_shape')], axis=0),
        ]
        if x not in quantized:
            # Q, K and V read the same hidden states: quantize them once.
            u = lambda s: f'{x}/int8mm/{s}'  # noqa: E731
            shape_k = const(u('shape_k'), np.array([-1, k], dtype=np.int64))
            nodes += [
                helper.make_node('Reshape', [x, shape_k], [u('rows')]),
                helper.make_node('Abs', [u('rows')], [u('abs')]),
                helper.make_node('ReduceMax', [u('abs')], [u('amax')], axes=[1], keepdims=0),
                helper.make_node('Mul', [u('amax'), inv127], [u('s0')]),
                helper.make_node('Max', [u('s0'), tiny], [u('s')]),
                helper.make_node('Shape', [u('s')], [u('m')]),
                helper.make_node('ConstantOfShape', [u('m')], [u('zp')], value=zp_fill),
                helper.make_node('QuantizeLinear', [u('rows'), u('s'), u('zp')], [u('q')], axis=0),
                helper.make_node('Unsqueeze', [u('s'), minus1], [u('s_col')]),
            ]
            quantized[x] = (u('q'), u('s_col'))
        q, s_col = quantized[x]
        if FUSED:
            # onnxruntime's MatMulIntegerToFloat: the int32 product times a_scale * b_scale in
            # one pass; its a_scale is per tensor, so it gets 1 and the token scale follows.
            nodes += [
                helper.make_node('MatMulIntegerToFloat', [q, b, one, col, zp] + ([bzp] if bzp else []), [t('y_col')], domain='com.microsoft'),
                helper.make_node('Mul', [t('y_col'), s_col], [t('y2')]),
                helper.make_node('Reshape', [t('y2'), t('out_shape')], [y]),
            ]
        else:
            nodes += [
                helper.make_node('MatMulInteger', [q, b, zp] + ([bzp] if bzp else []), [t('acc')]),
                helper.make_node('Cast', [t('acc')], [t('accf')], to=TensorProto.FLOAT),
                helper.make_node('Mul', [t('accf'), s_col], [t('y_row')]),
                helper.make_node('Mul', [t('y_row'), col], [t('y2')]),
                helper.make_node('Reshape', [t('y2'), t('out_shape')], [y]),
            ]
        replaced[id(node)] = nodes
        drop_nodes.update(id(n) for n in (transpose, mul, cast))
        drop_inits.update((wq_name, ws_name))

    if not replaced:
        raise SystemExit('no dequantized weight MatMul found: is this the float-DQ export?')
    out_nodes = []
    for n in graph.node:
        if id(n) in drop_nodes:
            continue
        out_nodes.extend(replaced.get(id(n), [n]))
    # Drop the rewritten weights' float-DQ inputs unless something else still reads them.
    used = {i for n in out_nodes for i in n.input}
    keep = [i for i in graph.initializer if i.name not in drop_inits or i.name in used]
    del graph.node[:]
    graph.node.extend(out_nodes)
    del graph.initializer[:]
    graph.initializer.extend(keep + new_inits)
    if FUSED and not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    onnx.checker.check_model(model)
    return model, len(replaced)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    model, n = rewrite(onnx.load(sys.argv[1]))
    onnx.save(model, sys.argv[2])
    print(f'{n} weight MatMuls -> MatMulInteger with per-token activation scales: {sys.argv[2]}', file=sys.stderr)


if __name__ == '__main__':
    main()
