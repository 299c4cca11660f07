"""Exports the SSPD inference network to ONNX with a dynamic time axis.

Usage: /usr/bin/python3 models/python/export.py --checkpoint ck.pth --output sspd.onnx
       /usr/bin/python3 models/python/export.py --random-init --seed 0 --output random.onnx
       /usr/bin/python3 models/python/export.py --template --output main/models/sspd-template.onnx
       /usr/bin/python3 models/python/export.py --checkpoint ck.pth --form whole --output plain.onnx
       /usr/bin/python3 models/python/export.py --from-onnx plain.onnx --output sspd.onnx

Two forms of the same network:
- `streaming` (default, what the app ships): sspd_streaming.StreamingSSPD: inputs `frame_diffs`
  (1, 3, n, 128, 128), `feature_context`, `tail` and one `state.<conv>` per backbone convolution;
  outputs `waveform`, `features` and `state_out.<conv>`. Run chunk by chunk without recomputing
  context, or once (fresh states, no context, one-element tail) for a whole recording.
- `whole`: the interchange form other tools expect: input `frame_diffs` (1, 3, T, 128, 128) raw
  B,G,R differences, output `waveform` (1, 2*floor(T/2)); the app streams it by overlap-save. Its
  two first backbone steps are exported in horizontal bands (--row-tiles, default 4): their
  activations (8×T×124×124 and 16×T×122×122 floats) set the peak memory, and ORT frees each band
  before the next. Convs are spatially valid, so a band only needs a few extra input rows and the
  result is the same arithmetic (bit-identical in PyTorch); --row-tiles 1 gives the plain graph.

torch's eval export folds each BatchNorm that follows a conv into that conv (initializers named
onnx::Conv_NNN); the input BatchNorm stays, as it cannot be folded into the first conv exactly
(its zero time-padding sits after it).

--template writes the streaming graph the app fills with a checkpoint's weights (main/models): no
BatchNorm folded and no weight reshaped (ORT folds both at load, same speed), every initializer
named by its checkpoint key, and no weight data at all (committed as main/models/sspd-template.onnx).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import onnx
from onnx import numpy_helper
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sspd_model import INPUT_SIZE, SSPD, BackboneStep, load_checkpoint  # noqa: E402
from onnx_weights import state_dict_from_onnx  # noqa: E402
from file_hash import sha256  # noqa: E402
from sspd_streaming import INPUT_NAMES, OUTPUT_NAMES, STATE_KEYS, StreamingSSPD, state_shapes  # noqa: E402

INPUT_NAME = 'frame_diffs'
OUTPUT_NAME = 'waveform'
FORMS = ('streaming', 'whole')
# Short trace length: the time axis is dynamic, the tracer only needs an even T.
TRACE_T = 8
DEFAULT_ROW_TILES = 4


class RowTiledSSPD(torch.nn.Module):
    """SSPD with backbone steps 1 and 2 run band by band over image rows."""

    def __init__(self, model: SSPD, tiles: int) -> None:
        super().__init__()
        self.model = model
        self.tiles = tiles

    @staticmethod
    def pooled_rows(step: BackboneStep, rows_in: int) -> int:
        return (rows_in - (step.Conv_Layer1.kernel_size[1] - 1) - (step.Conv_Layer2.kernel_size[1] - 1)) // 2

    def banded(self, step: BackboneStep, x: torch.Tensor, rows_in: int) -> torch.Tensor:
        # Row counts are static (128 → 61 → 27): the bands are fixed slices, T stays dynamic.
        k1 = step.Conv_Layer1.kernel_size[1]
        k2 = step.Conv_Layer2.kernel_size[1]
        pooled = self.pooled_rows(step, rows_in)
        bounds = [round(i * pooled / self.tiles) for i in range(self.tiles + 1)]
        # Pooled rows [p0, p1) come from conv2 rows [2·p0, 2·p1), i.e. input rows
        # [2·p0, 2·p1 + k1 − 1 + k2 − 1); even starts keep the 2×2 pool windows in phase.
        bands = [step(x[:, :, :, 2 * p0:2 * p1 + k1 - 1 + k2 - 1]) for p0, p1 in zip(bounds, bounds[1:])]
        return torch.cat(bands, dim=3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = self.model
        if self.tiles == 1:
            return m(x)
        x = self.banded(m.backbone_step1, m.BN(x), INPUT_SIZE)
        x = self.banded(m.backbone_step2, x, self.pooled_rows(m.backbone_step1, INPUT_SIZE))
        return m.predictor(m.backbone_step4(m.backbone_step3(x)))


def build_model(checkpoint: str | None, seed: int, from_onnx: str | None = None) -> SSPD:
    torch.manual_seed(seed)
    model = SSPD()
    if checkpoint is not None:
        load_checkpoint(model, checkpoint)
    if from_onnx is not None:
        model.load_state_dict(state_dict_from_onnx(from_onnx), strict=True)
    return model.eval()


def trace_arguments(form: str) -> tuple[tuple[torch.Tensor, ...], list[str], list[str], dict[str, dict[int, str]]]:
    """Example inputs, names and dynamic axes of a form's graph."""
    frames = torch.zeros(1, 3, TRACE_T, INPUT_SIZE, INPUT_SIZE)
    if form == 'whole':
        return (frames,), [INPUT_NAME], [OUTPUT_NAME], {INPUT_NAME: {2: 'T'}, OUTPUT_NAME: {1: 'T_out'}}
    # Two-frame states and some context: the steady state, so no axis is traced as a constant.
    states = tuple(torch.zeros(2, *shape) for shape in state_shapes())
    args = (frames, torch.zeros(4, 256, 8, 8), torch.zeros(1), *states)
    axes = {'frame_diffs': {2: 'T'}, 'feature_context': {0: 'context'}, 'tail': {0: 'tail'},
            'waveform': {1: 'samples'}, 'features': {0: 'new_features'}}
    for key in STATE_KEYS:
        axes[f'state.{key}'] = {0: 'state_frames'}
        axes[f'state_out.{key}'] = {0: 'state_frames_out'}
    return args, INPUT_NAMES, OUTPUT_NAMES, axes


def export(model: torch.nn.Module, output: str, opset: int, template: bool = False) -> None:
    form = 'streaming' if isinstance(model, StreamingSSPD) else 'whole'
    args, inputs, outputs, axes = trace_arguments(form)
    tmp = output + '.partial'
    with torch.no_grad():
        torch.onnx.export(
            model, args, tmp, input_names=inputs, output_names=outputs, dynamic_axes=axes,
            # Folding would bake the streaming form's weight reshapes into unnamed initializers.
            opset_version=opset, do_constant_folding=not template,
            # PRESERVE on an eval-mode module skips the Conv+BatchNorm folding EVAL applies.
            training=torch.onnx.TrainingMode.PRESERVE if template else torch.onnx.TrainingMode.EVAL)
    proto = drop_zero_pads(onnx.load(tmp))
    onnx.checker.check_model(proto)
    if template:
        proto = weightless_template(proto, model.model)
    onnx.save(proto, tmp)
    # Written under a temporary name then renamed, so a crash never leaves a truncated model
    # where a cache would trust it.
    os.replace(tmp, output)


def drop_zero_pads(proto: onnx.ModelProto) -> onnx.ModelProto:
    """Removes the all-zero Pad nodes torch 1.13 puts before every AveragePool.

    They copy whole activation maps (the largest is 16×T×122×122) for nothing.
    """
    graph = proto.graph
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t)
              for n in graph.node if n.op_type == 'Constant' and n.attribute[0].name == 'value'}
    consts.update({t.name: numpy_helper.to_array(t) for t in graph.initializer})
    rename: dict[str, str] = {}
    kept = []
    for node in graph.node:
        pads = consts.get(node.input[1]) if node.op_type == 'Pad' and len(node.input) > 1 else None
        if pads is not None and not pads.any() and len(node.input) <= 3:
            rename[node.output[0]] = node.input[0]
            continue
        kept.append(node)
    for node in kept:
        for i, name in enumerate(node.input):
            while name in rename:
                name = rename[name]
            node.input[i] = name
    used = {name for node in kept for name in node.input}
    kept = [n for n in kept if n.op_type != 'Constant' or n.output[0] in used]
    del graph.node[:]
    graph.node.extend(kept)
    return proto


def distinct_weights(model: SSPD, seed: int) -> SSPD:
    """Gives every float tensor its own random values: the exporter merges initializers with
    equal contents (fresh BatchNorms are all ones and zeros), which would leave keys unnamed."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for tensor in model.state_dict().values():
            if tensor.dtype.is_floating_point:
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
    return model


def weightless_template(proto: onnx.ModelProto, model: SSPD) -> onnx.ModelProto:
    """Renames initializers to checkpoint keys (drops the wrapper's `model.` prefix) and empties
    them: the app writes a checkpoint's float32 data into each before loading the model."""
    graph = proto.graph
    keys = {k for k, v in model.state_dict().items() if v.dtype.is_floating_point}
    rename = {t.name: t.name.removeprefix('model.') for t in graph.initializer}
    if set(rename.values()) != keys:
        raise SystemExit(f'template initializers are not the checkpoint keys: {sorted(set(rename.values()) ^ keys)}')
    for tensor in graph.initializer:
        tensor.name = rename[tensor.name]
        tensor.ClearField('raw_data')
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)
    return proto


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint', help='state_dict with the authors\' key names')
    src.add_argument('--from-onnx', help='weights of a whole-form export of ours (re-export in another form)')
    src.add_argument('--random-init', action='store_true', help='untrained weights (benchmarks)')
    src.add_argument('--template', action='store_true', help='weightless graph for main/models to fill')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--output', required=True)
    ap.add_argument('--opset', type=int, default=17)
    ap.add_argument('--form', choices=FORMS, default='streaming')
    ap.add_argument('--row-tiles', type=int, default=DEFAULT_ROW_TILES, help='whole form only')
    args = ap.parse_args()
    if args.template and args.form != 'streaming':
        ap.error('the template is the streaming form')
    network = build_model(args.checkpoint, args.seed, args.from_onnx)
    if args.template:
        network = distinct_weights(network, args.seed)
    model = (StreamingSSPD(network) if args.form == 'streaming' else RowTiledSSPD(network, args.row_tiles)).eval()
    export(model, args.output, args.opset, template=args.template)
    source = 'template (no weights)' if args.template else args.checkpoint or args.from_onnx or f'random-init seed {args.seed}'
    print(json.dumps({'output': args.output, 'sha256': sha256(args.output), 'opset': args.opset,
                      'form': args.form, 'row_tiles': args.row_tiles if args.form == 'whole' else None,
                      'source': source}))


if __name__ == '__main__':
    main()
