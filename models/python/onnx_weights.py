"""Recovers SSPD weights from an ONNX file of any form the app runs, so a model shipped only as ONNX can be
exported again (`export.py --from-onnx`) or fine-tuned (adapt.py).

Three forms:
- named: every weight is an initializer named by its checkpoint key (the template main/models fills from a .pth,
  or any export without folding; a `model.` prefix is dropped): read as is.
- whole (export.py --form whole): each convolution with its BatchNorm folded in (weight W·s, bias β − μ·s), the
  input BatchNorm as is, the first steps repeated per row band.
- streaming (export.py, the shipped form): backbone convolutions as 2-D convolutions over stacked time neighbours
  (weight (out, 3·in, k, k)), each followed by its own BatchNormalization node; the predictor's folded as in whole.
Every SSPD convolution has a weight shape of its own (3-D, or 2-D stacked), so the shapes name them. A folded
BatchNorm is given the identity statistics (mean 0, variance 1 − eps, scale 1) and the folded bias as its shift:
the same function in eval mode.
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


def stacked_shape(weight: torch.Size) -> tuple[int, ...]:
    """A Conv3d weight (out, in, t, h, w) as the streaming form's 2-D weight (out, t·in, h, w)."""
    out, c_in, k_t, k_h, k_w = weight
    return (out, k_t * c_in, k_h, k_w)


def unstack(weight: torch.Tensor, k_t: int) -> torch.Tensor:
    """The inverse of sspd_streaming.stateful_conv's reshape: channel block k is time offset k."""
    out, stacked, k_h, k_w = weight.shape
    return weight.reshape(out, k_t, stacked // k_t, k_h, k_w).permute(0, 2, 1, 3, 4).contiguous()


def named_weights(values: dict[str, torch.Tensor], state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor] | None:
    wanted = [k for k, v in state.items() if v.dtype.is_floating_point]
    named = {name.removeprefix('model.'): v for name, v in values.items()}
    if not all(k in named and named[k].numel() == state[k].numel() for k in wanted):
        return None
    return state | {k: named[k].reshape(state[k].shape).to(state[k].dtype) for k in wanted}


def state_dict_from_onnx(path: str) -> dict[str, torch.Tensor]:
    proto = onnx.load(path)
    values = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer if t.HasField('raw_data') or t.float_data}
    # torch's exporter shares an initializer between row bands (and between equal tensors) through Identity nodes.
    for node in proto.graph.node:
        if node.op_type == 'Identity' and node.input[0] in values:
            values[node.output[0]] = values[node.input[0]]
    model = SSPD()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    named = named_weights(values, state)
    if named is not None:
        return named
    convs = {name: module for name, module in model.named_modules() if isinstance(module, torch.nn.Conv3d)}
    by_shape = {tuple(m.weight.shape): name for name, m in convs.items()}
    by_shape |= {stacked_shape(m.weight.shape): name for name, m in convs.items()}
    norms = conv_norms(model)
    consumers: dict[str, list[onnx.NodeProto]] = {}
    producers = {out: node for node in proto.graph.node for out in node.output}
    for node in proto.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    found: set[str] = set()

    def read_norm(norm: str, node: onnx.NodeProto, conv_bias: torch.Tensor) -> None:
        scale, bias, mean, var = (values[name] for name in node.input[1:5])
        # A conv bias before the norm shifts what the norm subtracts.
        state.update({f'{norm}.weight': scale, f'{norm}.bias': bias, f'{norm}.running_mean': mean - conv_bias, f'{norm}.running_var': var})

    for node in proto.graph.node:
        if node.op_type == 'BatchNormalization' and getattr(producers.get(node.input[0]), 'op_type', None) != 'Conv':
            read_norm('BN', node, torch.zeros(3))
            found.add('BN')
        if node.op_type != 'Conv':
            continue
        if node.input[1] not in values:
            raise ValueError(f'{path}: a convolution whose weights are computed in the graph, not stored; not a form Pulse Studio reads')
        weight = values[node.input[1]]
        key = by_shape.get(tuple(weight.shape))
        if key is None:
            raise ValueError(f'{path}: a convolution of shape {tuple(weight.shape)} is not part of SSPD')
        if key in found:
            continue  # a row band of a convolution already read
        found.add(key)
        if weight.ndim == 4:
            weight = unstack(weight, convs[key].kernel_size[0])
        state[f'{key}.weight'] = weight
        bias = values[node.input[2]] if len(node.input) > 2 else torch.zeros(weight.shape[0])
        norm = norms[key]
        after = consumers.get(node.output[0], [])
        if not norm:
            state[f'{key}.bias'] = bias
        elif len(after) == 1 and after[0].op_type == 'BatchNormalization':
            read_norm(norm, after[0], bias)
        else:
            eps = model.get_submodule(norm).eps
            state[f'{norm}.weight'] = torch.ones_like(bias)
            state[f'{norm}.bias'] = bias
            state[f'{norm}.running_mean'] = torch.zeros_like(bias)
            # 1 − eps, so that var + eps is 1 exactly in float32 and the affine is the identity.
            state[f'{norm}.running_var'] = torch.full_like(bias, 1.0) - eps
    missing = (set(convs) | {'BN'}) - found
    if missing:
        raise ValueError(f'{path}: no weights found for {sorted(missing)}')
    return state
