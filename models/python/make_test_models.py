"""Writes the tiny non-SSPD ONNX files that main/inference's loader tests must reject.

Usage: /usr/bin/python3 models/python/make_test_models.py testing/models
Each is a few hundred bytes (one ReduceMean), so they are committed as fixtures.
"""
from __future__ import annotations

import os
import sys

import onnx
from onnx import TensorProto, helper

OPSET = 17


def reduce_model(input_name: str, input_shape: list, output_name: str, output_shape: list,
                 axes: list[int], flatten: bool = False) -> onnx.ModelProto:
    # Opset 17 still takes ReduceMean's axes as an attribute.
    nodes = [helper.make_node('ReduceMean', [input_name], ['reduced' if flatten else output_name],
                              axes=axes, keepdims=1 if flatten else 0)]
    if flatten:
        nodes.append(helper.make_node('Flatten', ['reduced'], [output_name], axis=1))
    graph = helper.make_graph(
        nodes, 'not_sspd',
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, output_shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)],
                              producer_name='pulse-studio-test-models')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


MODELS = {
    # An image classifier-like graph: other input and output names.
    'other-io.onnx': reduce_model('image', [1, 3, 224, 224], 'score', [1, 3], [2, 3]),
    # Right names, 64×64 frames.
    'wrong-input-shape.onnx': reduce_model('frame_diffs', [1, 3, 'T', 64, 64], 'waveform',
                                           [1, 'T'], [1, 3, 4]),
    # Right input, output of rank 3.
    'wrong-output-rank.onnx': reduce_model('frame_diffs', [1, 3, 'T', 128, 128], 'waveform',
                                           [1, 3, 'T'], [3, 4]),
    # Right declared contract, but 128 samples per step come out at run time.
    'wrong-output-length.onnx': reduce_model('frame_diffs', [1, 3, 'T', 128, 128], 'waveform',
                                             [1, 'N'], [1, 4], flatten=True),
}


def main() -> None:
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, model in MODELS.items():
        onnx.save(model, os.path.join(out_dir, name))


if __name__ == '__main__':
    main()
