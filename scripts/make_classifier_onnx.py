"""Writes jaccli/samples/classifier.onnx (a 4→8→3 tanh MLP ending in softmax) and jaccli/samples/classifier_x.npy (the samples jac ships), the
way tests/test_onnx.py builds its models: with onnx.helper, fixed seed, no downloads.

    python scripts/make_classifier_onnx.py
"""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent.parent / "jaccli" / "samples"
rng = np.random.default_rng(2026)
weights = {"W1": rng.normal(0, 0.5, (8, 4)), "b1": rng.normal(0, 0.1, 8),
           "W2": rng.normal(0, 0.5, (3, 8)), "b2": rng.normal(0, 0.1, 3)}
nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], transB=1, name="fc1"),
         helper.make_node("Tanh", ["h"], ["a"], name="act1"),
         helper.make_node("Gemm", ["a", "W2", "b2"], ["z"], transB=1, name="fc2"),
         helper.make_node("Softmax", ["z"], ["y"], axis=1, name="probabilities")]
graph = helper.make_graph(nodes, "classifier",
                          [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [1, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [1, 3])],
                          [numpy_helper.from_array(v.astype(np.float64), k) for k, v in weights.items()])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(HERE / "classifier.onnx"))
np.save(HERE / "classifier_x.npy", np.array([0.5, -1.0, 0.25, 2.0]))
