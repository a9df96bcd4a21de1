"""Minimal NumPy interpreter for the ONNX graphs exported by the training
scripts (opset 14).  Used to check an exported ``model.onnx`` against the
PyTorch model on machines without ONNX Runtime.  Supports only the operators
these models use; an unknown operator raises ``NotImplementedError``.
"""

import numpy as np
import onnx
from onnx import numpy_helper

_DTYPES = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv2d(x, w, b, pads, strides, dilations):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (x.shape[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i * dilations[0]: i * dilations[0] + strides[0] * oh: strides[0],
                      j * dilations[1]: j * dilations[1] + strides[1] * ow: strides[1]]
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _pool2d(x, kernel, strides, pads, mode):
    fill = -np.inf if mode == "max" else 0.0
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
    oh = (x.shape[2] - kernel[0]) // strides[0] + 1
    ow = (x.shape[3] - kernel[1]) // strides[1] + 1
    stack = [x[:, :, i: i + strides[0] * oh: strides[0], j: j + strides[1] * ow: strides[1]]
             for i in range(kernel[0]) for j in range(kernel[1])]
    stack = np.stack(stack, 0)
    return stack.max(0) if mode == "max" else stack.mean(0)


def run(model_path, feeds):
    model = onnx.load(model_path)
    g = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    for node in g.node:
        a = _attrs(node)
        x = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op == "Identity":
            y = x[0]
        elif op == "Shape":
            y = np.array(x[0].shape, dtype=np.int64)
        elif op == "Gather":
            y = np.take(x[0], x[1].astype(np.int64), axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            y = x[0]
            for ax in sorted(int(v) % (y.ndim + 1) for v in x[1]):
                y = np.expand_dims(y, ax)
        elif op == "Squeeze":
            y = np.squeeze(x[0], axis=tuple(int(v) for v in x[1])) if len(x) > 1 else np.squeeze(x[0])
        elif op == "Concat":
            y = np.concatenate(x, axis=a["axis"])
        elif op == "Slice":
            data, starts, ends = x[0], x[1], x[2]
            axes = x[3] if len(x) > 3 and x[3] is not None else range(len(starts))
            steps = x[4] if len(x) > 4 and x[4] is not None else [1] * len(starts)
            sl = [slice(None)] * data.ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(s), int(min(max(e, -2**62), 2**62)), int(st))
            y = data[tuple(sl)]
        elif op == "Reshape":
            shape = [int(v) for v in x[1]]
            shape = [x[0].shape[i] if v == 0 else v for i, v in enumerate(shape)]
            y = x[0].reshape(shape)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = x[0].reshape(int(np.prod(x[0].shape[:ax])), -1)
        elif op == "Transpose":
            y = np.transpose(x[0], a.get("perm"))
        elif op == "MatMul":
            y = np.matmul(x[0], x[1])
        elif op == "Gemm":
            A = x[0].T if a.get("transA", 0) else x[0]
            B = x[1].T if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
        elif op in ("Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "Max", "Min"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power,
                 "Equal": np.equal, "Less": np.less, "Greater": np.greater,
                 "Max": np.maximum, "Min": np.minimum}.get(op)
            if op == "Div":
                y = x[0] // x[1] if np.issubdtype(x[0].dtype, np.integer) else x[0] / x[1]
            else:
                y = x[0]
                for other in x[1:]:
                    y = f(y, other)
            if op in ("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"):
                y = y.astype(x[0].dtype)
        elif op == "Sqrt":
            y = np.sqrt(x[0])
        elif op == "Neg":
            y = -x[0]
        elif op == "Not":
            y = np.logical_not(x[0])
        elif op == "Relu":
            y = np.maximum(x[0], 0).astype(x[0].dtype)
        elif op == "Tanh":
            y = np.tanh(x[0])
        elif op == "Sigmoid":
            y = 1.0 / (1.0 + np.exp(-x[0]))
        elif op in ("ReduceMean", "ReduceSum", "ReduceMax"):
            axes = a.get("axes")
            if axes is None and len(x) > 1 and x[1] is not None:
                axes = [int(v) for v in x[1]]
            axes = tuple(axes) if axes is not None else None
            f = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": np.max}[op]
            y = f(x[0], axis=axes, keepdims=bool(a.get("keepdims", 1))).astype(x[0].dtype)
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(x[0] - x[0].max(axis=ax, keepdims=True))
            y = e / e.sum(axis=ax, keepdims=True)
        elif op == "Cast":
            y = x[0].astype(_DTYPES[a["to"]])
        elif op == "Range":
            y = np.arange(x[0], x[1], x[2]).astype(x[0].dtype)
        elif op == "Expand":
            y = x[0] * np.ones([int(v) for v in x[1]], dtype=x[0].dtype)
        elif op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = np.full([int(s) for s in x[0]], v.reshape(-1)[0], dtype=v.dtype)
        elif op == "Where":
            y = np.where(x[0], x[1], x[2])
        elif op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else -np.inf
            hi = x[2] if len(x) > 2 and x[2] is not None else np.inf
            y = np.clip(x[0], lo, hi).astype(x[0].dtype)
        elif op == "Conv":
            assert a.get("group", 1) == 1
            bias = x[2] if len(x) > 2 else None
            if x[0].ndim == 3:  # 1-D convolution as a 2-D one with height 1
                p = a.get("pads", [0, 0])
                y = _conv2d(x[0][:, :, None], x[1][:, :, None], bias, [0, p[0], 0, p[1]],
                            [1] + list(a.get("strides", [1])), [1] + list(a.get("dilations", [1])))[:, :, 0]
            else:
                y = _conv2d(x[0], x[1], bias, a.get("pads", [0, 0, 0, 0]),
                            a.get("strides", [1, 1]), a.get("dilations", [1, 1]))
        elif op in ("MaxPool", "AveragePool"):
            y = _pool2d(x[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]),
                        a.get("pads", [0, 0, 0, 0]), "max" if op == "MaxPool" else "avg")
        elif op == "GlobalAveragePool":
            y = x[0].mean(axis=(2, 3), keepdims=True)
        elif op == "BatchNormalization":
            inp, scale, bias, mean, var = x[:5]
            sh = (1, -1) + (1,) * (inp.ndim - 2)
            y = (inp - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + a.get("epsilon", 1e-5))
            y = y * scale.reshape(sh) + bias.reshape(sh)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = y
    return [env[o.name] for o in g.output]
