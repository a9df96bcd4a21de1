"""Writes the tiny tensor models the protocol tests use (run with Debian's /usr/bin/python3 and python3-onnx).

simple         Triton's canonical example: INT32 INPUT0, INPUT1 [-1, 16] -> OUTPUT0 = sum, OUTPUT1 = difference.
simple_string  The same over BYTES: decimal strings in, decimal strings out.
identity_<t>   INPUT0 [-1, -1] of each protocol datatype -> OUTPUT0, unchanged.
"""
import json
import os

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]

DATATYPES = {
    "bool": TensorProto.BOOL,
    "uint8": TensorProto.UINT8,
    "uint16": TensorProto.UINT16,
    "uint32": TensorProto.UINT32,
    "uint64": TensorProto.UINT64,
    "int8": TensorProto.INT8,
    "int16": TensorProto.INT16,
    "int32": TensorProto.INT32,
    "int64": TensorProto.INT64,
    "fp16": TensorProto.FLOAT16,
    "fp32": TensorProto.FLOAT,
    "fp64": TensorProto.DOUBLE,
    "bytes": TensorProto.STRING,
}


def save(name, graph, description):
    folder = os.path.join(HERE, name)
    os.makedirs(os.path.join(folder, "1"), exist_ok=True)
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="inference-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(folder, "1", "model.onnx"))
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump({"task": "tensor", "description": description}, f, indent=2)
        f.write("\n")


def simple():
    shape = ["batch", 16]
    graph = helper.make_graph(
        [helper.make_node("Add", ["INPUT0", "INPUT1"], ["OUTPUT0"]),
         helper.make_node("Sub", ["INPUT0", "INPUT1"], ["OUTPUT1"])],
        "simple",
        [helper.make_tensor_value_info("INPUT0", TensorProto.INT32, shape),
         helper.make_tensor_value_info("INPUT1", TensorProto.INT32, shape)],
        [helper.make_tensor_value_info("OUTPUT0", TensorProto.INT32, shape),
         helper.make_tensor_value_info("OUTPUT1", TensorProto.INT32, shape)])
    save("simple", graph, "INT32 sum and difference of two [-1, 16] tensors.")


def simple_string():
    shape = ["batch", 16]
    nodes = [
        helper.make_node("Cast", ["INPUT0"], ["a"], to=TensorProto.INT32),
        helper.make_node("Cast", ["INPUT1"], ["b"], to=TensorProto.INT32),
        helper.make_node("Add", ["a", "b"], ["sum"]),
        helper.make_node("Sub", ["a", "b"], ["difference"]),
        helper.make_node("Cast", ["sum"], ["OUTPUT0"], to=TensorProto.STRING),
        helper.make_node("Cast", ["difference"], ["OUTPUT1"], to=TensorProto.STRING),
    ]
    graph = helper.make_graph(
        nodes, "simple_string",
        [helper.make_tensor_value_info("INPUT0", TensorProto.STRING, shape),
         helper.make_tensor_value_info("INPUT1", TensorProto.STRING, shape)],
        [helper.make_tensor_value_info("OUTPUT0", TensorProto.STRING, shape),
         helper.make_tensor_value_info("OUTPUT1", TensorProto.STRING, shape)])
    save("simple_string", graph, "BYTES: decimal strings in, their sum and difference out.")


def identity(name, element_type):
    shape = ["batch", "n"]
    graph = helper.make_graph(
        [helper.make_node("Identity", ["INPUT0"], ["OUTPUT0"])],
        f"identity_{name}",
        [helper.make_tensor_value_info("INPUT0", element_type, shape)],
        [helper.make_tensor_value_info("OUTPUT0", element_type, shape)])
    save(f"identity_{name}", graph, f"Returns its {name.upper()} input unchanged.")


if __name__ == "__main__":
    simple()
    simple_string()
    for datatype_name, datatype in DATATYPES.items():
        identity(datatype_name, datatype)
