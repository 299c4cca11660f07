"""The streaming form computes the plain network's waveform, chunk by chunk, and exports as the app expects.

Run: /usr/bin/python3 -m unittest discover -s models/python
"""
from __future__ import annotations

import os
import sys
import tempfile
import unittest

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sspd_model import SSPD  # noqa: E402
from sspd_streaming import BACKBONE_DELAY, INPUT_NAMES, OUTPUT_NAMES, StreamingSSPD, empty_context, initial_states  # noqa: E402

#: Steps from the predictor's input edge that overlap-save must not keep (conv, pool 2, conv, up 2, conv).
PREDICTOR_MARGIN = 5


def random_network(seed: int) -> SSPD:
    """Untrained weights with non-trivial BatchNorm statistics, so every affine matters."""
    torch.manual_seed(seed)
    model = SSPD()
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith('running_var'):
                tensor.uniform_(0.5, 2.0)
            elif name.endswith('running_mean') or name.endswith('bias'):
                tensor.uniform_(-0.2, 0.2)
    return model.eval()


def stream(model: StreamingSSPD, x: torch.Tensor, chunks: list[int]) -> torch.Tensor:
    """The caller's side of the protocol (main/inference/stateful-stream.ts does the same)."""
    states = initial_states()
    features: list[torch.Tensor] = []
    pieces: list[torch.Tensor] = []
    emitted = fed = 0
    for i, n in enumerate(chunks):
        final = i == len(chunks) - 1
        start = max(0, emitted - PREDICTOR_MARGIN) // 2 * 2
        context = torch.stack(features[start:]) if len(features) > start else empty_context()
        waveform, new, *states = model(x[:, :, fed:fed + n], context, torch.zeros(1 if final else 0), *states)
        fed += n
        features += list(new)
        covered = start + waveform.shape[1]
        end = covered if final else min(covered, len(features) - PREDICTOR_MARGIN)
        if end > emitted:
            pieces.append(waveform[0, emitted - start:end - start])
            emitted = end
    return torch.cat(pieces)


class StreamingForm(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        torch.set_num_threads(2)
        cls.plain = random_network(3)
        cls.streaming = StreamingSSPD(cls.plain).eval()

    def check_close(self, got: torch.Tensor, want: torch.Tensor) -> None:
        self.assertEqual(got.shape, want.shape)
        # Only the summation order differs (2-D convolutions over stacked frames).
        self.assertLess(float((got - want).abs().max()), 1e-5 * float(want.std()))

    def test_one_call_with_fresh_states_is_whole_recording_inference(self) -> None:
        for steps in (9, 24, 31):
            x = torch.randn(1, 3, steps, 128, 128) * 8
            with torch.no_grad():
                want = self.plain(x)
                got, features, *_ = self.streaming(x, empty_context(), torch.zeros(1), *initial_states())
            self.check_close(got, want)
            self.assertEqual(features.shape[0], steps)

    def test_chunks_of_any_size_give_the_whole_recording_waveform(self) -> None:
        x = torch.randn(1, 3, 41, 128, 128) * 8
        with torch.no_grad():
            want = self.plain(x)[0]
            for chunks in ([12, 7, 1, 13, 8], [BACKBONE_DELAY + 2, 1, 1, 2, 28], [20, 21], [40, 1], [30, 11, 0]):
                self.assertEqual(sum(chunks), 41)
                self.check_close(stream(self.streaming, x, chunks), want)

    def test_features_lag_the_input_by_one_step_per_backbone_convolution(self) -> None:
        x = torch.randn(1, 3, 12, 128, 128)
        with torch.no_grad():
            _, first, *states = self.streaming(x, empty_context(), torch.zeros(0), *initial_states())
            _, second, *_ = self.streaming(x[:, :, :5], first[-4:], torch.zeros(0), *states)
        self.assertEqual(first.shape[0], 12 - BACKBONE_DELAY)
        self.assertEqual(second.shape[0], 5)


class StreamingExport(unittest.TestCase):
    def test_exports_the_names_the_app_reads_and_recovers_weights_from_a_whole_export(self) -> None:
        import export
        from onnx_weights import state_dict_from_onnx
        model = random_network(5)
        with tempfile.TemporaryDirectory() as tmp:
            streaming = os.path.join(tmp, 'streaming.onnx')
            whole = os.path.join(tmp, 'whole.onnx')
            export.export(StreamingSSPD(model).eval(), streaming, 17)
            graph = onnx.load(streaming).graph
            self.assertEqual([i.name for i in graph.input], INPUT_NAMES)
            self.assertEqual([o.name for o in graph.output], OUTPUT_NAMES)
            export.export(export.RowTiledSSPD(model, 4).eval(), whole, 17)
            recovered = SSPD().eval()
            recovered.load_state_dict(state_dict_from_onnx(whole), strict=True)
        x = torch.randn(1, 3, 10, 128, 128) * 8
        with torch.no_grad():
            want = model(x)
            got = recovered(x)
        self.assertLess(float((got - want).abs().max()), 1e-5 * float(want.std()))

    def test_recovers_weights_from_a_streaming_export_and_from_a_filled_template(self) -> None:
        import export
        from onnx_weights import state_dict_from_onnx
        model = random_network(6)
        template = onnx.load(os.path.join(os.path.dirname(__file__), '..', '..', 'main', 'models', 'sspd-template.onnx'))
        state = model.state_dict()
        for tensor in template.graph.initializer:  # what main/models/onnx-weights.ts does for a .pth
            tensor.raw_data = state[tensor.name].numpy().astype('<f4').tobytes()
        x = torch.randn(1, 3, 10, 128, 128) * 8
        with tempfile.TemporaryDirectory() as tmp:
            streaming, filled = os.path.join(tmp, 'streaming.onnx'), os.path.join(tmp, 'filled.onnx')
            export.export(StreamingSSPD(model).eval(), streaming, 17)
            onnx.save(template, filled)
            for path in (streaming, filled):
                recovered = SSPD().eval()
                recovered.load_state_dict(state_dict_from_onnx(path), strict=True)
                with torch.no_grad():
                    self.assertLess(float((recovered(x) - model(x)).abs().max()), 1e-5 * float(model(x).std()), path)


if __name__ == '__main__':
    unittest.main()
