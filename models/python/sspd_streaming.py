"""SSPD in streaming form: the same network and weights, run chunk by chunk with per-layer state.

Two changes of form, no change of arithmetic beyond float summation order:
- The backbone runs frame-major, (T, C, H, W): each Conv3d (kernel 3 in time, padding 1) becomes one
  Conv2d over the three time-neighbouring frames stacked on channels. onnxruntime runs 2-D convolutions
  with its blocked (NCHWc) kernels, about twice as fast here as its generic 3-D path.
- Each of the seven backbone convolutions keeps the last two frames of its input between calls
  (`state.<key>`), so a chunk computes only new frames: no recomputed context at all. A recording starts
  with one zero frame per state (the convolution's left padding) and ends with a call whose `tail` has
  one element (each convolution appends its right padding). Each convolution delays its output by one
  frame, so the backbone's features lag the input by BACKBONE_DELAY steps until that last call.

The predictor (1.5 % of the compute) pools and upsamples time, so it is not stateful: it runs on the
features of this call after `feature_context`, earlier features the caller passes back (overlap-save; the
caller keeps only samples PREDICTOR_MARGIN steps away from an edge that is not the recording's own).

One call with fresh states, no context and a one-element tail is whole-recording inference.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from sspd_model import SSPD

#: Backbone convolutions, in order; each has a state input and output named `state.<key>`.
STATE_KEYS = [f'backbone_step{s}.Conv_Layer{c}' for s in (1, 2, 3) for c in (1, 2)] + ['backbone_step4.Conv_Layer1']
BACKBONE_DELAY = len(STATE_KEYS)
INPUT_NAMES = ['frame_diffs', 'feature_context', 'tail'] + [f'state.{k}' for k in STATE_KEYS]
OUTPUT_NAMES = ['waveform', 'features'] + [f'state_out.{k}' for k in STATE_KEYS]


def batch_norm(x: torch.Tensor, bn: nn.BatchNorm3d) -> torch.Tensor:
    """The 3-D BatchNorm's inference affine on frame-major (T, C, H, W) activations."""
    return F.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, False, 0.0, bn.eps)


def stateful_conv(conv: nn.Conv3d, bn: nn.BatchNorm3d, x: torch.Tensor, state: torch.Tensor,
                  tail: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """tanh(BN(conv(x))) for frames after `state`; returns (len(state) + len(x) + len(tail) − 2 frames, new state)."""
    seq = torch.cat([state, x], 0)
    new_state = seq[-2:]
    seq = torch.cat([seq, torch.zeros_like(seq[:tail.shape[0]])], 0)
    c_out, c_in, k_t, k_h, k_w = conv.weight.shape
    # One gather of frames t, t+1, t+2 for each output t: a single copy (three slices and a concat made four).
    windows = torch.arange(seq.shape[0] - (k_t - 1)).unsqueeze(1) + torch.arange(k_t)
    stacked = seq[windows].flatten(1, 2)
    # (out, in, t, h, w) → (out, t·in, h, w): channel block k of `stacked` is the frame at time offset k − 1.
    weight = conv.weight.permute(0, 2, 1, 3, 4).reshape(c_out, k_t * c_in, k_h, k_w)
    return torch.tanh(batch_norm(F.conv2d(stacked, weight), bn)), new_state


class StreamingSSPD(nn.Module):
    """Wraps an SSPD; its parameters keep their checkpoint names under `model.`."""

    def __init__(self, model: SSPD) -> None:
        super().__init__()
        self.model = model

    def forward(self, frame_diffs: torch.Tensor, feature_context: torch.Tensor, tail: torch.Tensor,
                *states: torch.Tensor) -> tuple[torch.Tensor, ...]:
        m = self.model
        x = batch_norm(frame_diffs[0].transpose(0, 1), m.BN)
        new_states = []
        layers = iter(states)
        for step in (m.backbone_step1, m.backbone_step2, m.backbone_step3, m.backbone_step4):
            x, s = stateful_conv(step.Conv_Layer1, step.BN1, x, next(layers), tail)
            new_states.append(s)
            if step.two_stages:
                x, s = stateful_conv(step.Conv_Layer2, step.BN2, x, next(layers), tail)
                new_states.append(s)
                x = F.avg_pool2d(x, 2)
        features = torch.cat([feature_context, x], 0)
        waveform = m.predictor(features.transpose(0, 1).unsqueeze(0))
        return (waveform, x, *new_states)


def state_shapes() -> list[tuple[int, int, int]]:
    """(C, H, W) of each state, in STATE_KEYS order."""
    shapes = []
    size = 128
    channels = 3
    m = SSPD()
    for step in (m.backbone_step1, m.backbone_step2, m.backbone_step3, m.backbone_step4):
        convs = [step.Conv_Layer1] + ([step.Conv_Layer2] if step.two_stages else [])
        for conv in convs:
            shapes.append((channels, size, size))
            channels = conv.out_channels
            size -= conv.kernel_size[1] - 1
        if step.two_stages:
            size //= 2
    return shapes


def initial_states() -> list[torch.Tensor]:
    """One zero frame per state: each convolution's left time padding."""
    return [torch.zeros(1, *shape) for shape in state_shapes()]


def empty_context() -> torch.Tensor:
    return torch.zeros(0, 256, 8, 8)
