"""Recovers SSPD weights from a whole-form ONNX export of ours (export.py --form whole).

Such a file holds each convolution with its BatchNorm folded in (weight W·s, bias β − μ·s) and the
input BatchNorm as is. Every SSPD convolution has a weight shape of its own, so the shapes name them.
The recovered state_dict gives each folded BatchNorm the identity statistics (mean 0, variance
1 − eps, scale 1) and the folded bias as its shift: the same function, so a model shipped only as
ONNX can be exported again in another form (e.g. `export.py --from-onnx old.onnx`).
"""
from __future__ import annotations

import onnx
import torch
from onnx import numpy_helper

from sspd_model import SSPD


def conv_norms(model: SSPD) -> dict[str, str]:
    """Convolution key → the key of the BatchNorm after it ('' for conv4, which has its own bias)."""
    pairs = {}
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Conv3d):
            prefix, _, leaf = name.rpartition('.')
            norm = leaf.replace('Conv_Layer', 'BN').replace('conv', 'bn')
            pairs[name] = f'{prefix}.{norm}' if hasattr(model.get_submodule(prefix), norm) else ''
    return pairs


def state_dict_from_onnx(path: str) -> dict[str, torch.Tensor]:
    proto = onnx.load(path)
    values = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}
    # torch's exporter shares an initializer between row bands through Identity nodes.
    for node in proto.graph.node:
        if node.op_type == 'Identity' and node.input[0] in values:
            values[node.output[0]] = values[node.input[0]]
    model = SSPD()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    by_shape = {tuple(module.weight.shape): name for name, module in model.named_modules() if isinstance(module, torch.nn.Conv3d)}
    norms = conv_norms(model)
    found: set[str] = set()
    for node in proto.graph.node:
        if node.op_type == 'BatchNormalization':
            scale, bias, mean, var = (values[name] for name in node.input[1:5])
            state.update({'BN.weight': scale, 'BN.bias': bias, 'BN.running_mean': mean, 'BN.running_var': var})
            found.add('BN')
        if node.op_type != 'Conv':
            continue
        weight = values[node.input[1]]
        key = by_shape.get(tuple(weight.shape))
        if key is None:
            raise ValueError(f'{path}: a convolution of shape {tuple(weight.shape)} is not part of SSPD')
        if key in found:
            continue  # a row band of a convolution already read
        found.add(key)
        state[f'{key}.weight'] = weight
        bias = values[node.input[2]] if len(node.input) > 2 else torch.zeros(weight.shape[0])
        norm = norms[key]
        if not norm:
            state[f'{key}.bias'] = bias
            continue
        eps = model.get_submodule(norm).eps
        state[f'{norm}.weight'] = torch.ones_like(bias)
        state[f'{norm}.bias'] = bias
        state[f'{norm}.running_mean'] = torch.zeros_like(bias)
        # 1 − eps, so that var + eps is 1 exactly in float32 and the affine is the identity.
        state[f'{norm}.running_var'] = torch.full_like(bias, 1.0) - eps
    missing = (set(by_shape.values()) | {'BN'}) - found
    if missing:
        raise ValueError(f'{path}: no weights found for {sorted(missing)}')
    return state
