"""Adaptation to a lab's recordings runs on CPU in seconds: the crop stream, the fine-tune, what it keeps and exports.

Run: /usr/bin/python3 -m unittest models/python/test_adapt.py (or discover -s models/python)
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import adapt  # noqa: E402
import export  # noqa: E402
import train  # noqa: E402
from onnx_weights import state_dict_from_onnx  # noqa: E402
from sspd_model import SSPD  # noqa: E402
from sspd_streaming import StreamingSSPD  # noqa: E402
from test_sspd_streaming import random_network  # noqa: E402


def clip_stream(clips: list[np.ndarray], order: str = 'rgb', end: bool = True) -> bytes:
    out = io.BytesIO()
    for k, clip in enumerate(clips):
        n, h, w, _ = clip.shape
        out.write(json.dumps({'frames': n, 'height': h, 'width': w, 'fps': 30, 'order': order, 'session': k + 1}).encode() + b'\n')
        out.write(clip.tobytes())
    if end:
        out.write(b'{"end": true}\n')
    return out.getvalue()


def pulsing_rgb(frames: int, seed: int) -> np.ndarray:
    """train.synthetic_clips at the app's crop size (128), as R,G,B."""
    clip = train.synthetic_clips(1, frames, 30.0, seed)[0].numpy()[:, :128, :128]
    return np.ascontiguousarray(clip[..., ::-1])


class CropStream(unittest.TestCase):
    def test_reads_clips_up_to_the_end_line_and_turns_rgb_into_the_networks_bgr(self) -> None:
        a = np.arange(2 * 4 * 5 * 3, dtype=np.uint8).reshape(2, 4, 5, 3)
        clips, rates, sessions = adapt.read_clips(io.BytesIO(clip_stream([a, a[:1]])))
        self.assertEqual([tuple(c.shape) for c in clips], [(2, 4, 5, 3), (1, 4, 5, 3)])
        self.assertTrue(torch.equal(clips[0], torch.from_numpy(a[..., ::-1].copy())))
        self.assertEqual((rates, sessions), ([30.0, 30.0], [1, 2]))

    def test_a_cut_stream_or_a_foreign_header_is_a_clear_error(self) -> None:
        a = np.zeros((2, 4, 4, 3), np.uint8)
        for data, said in ((clip_stream([a])[:-30], 'ended after'), (clip_stream([a], end=False), 'without its end line'),
                           (b'{"frames": 2, "height": 4, "width": 4, "order": "yuv"}\n', 'not one this reads'), (b'PNG\n', 'not JSON')):
            with self.assertRaisesRegex(adapt.BadInput, said):
                adapt.read_clips(io.BytesIO(data))


class Adaptation(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.base = os.path.join(cls.tmp.name, 'base.onnx')
        export.export(StreamingSSPD(random_network(3)).eval(), cls.base, 17)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_fine_tunes_the_later_layers_and_exports_a_model_the_app_reads(self) -> None:
        clips = [torch.from_numpy(pulsing_rgb(40, s)).flip(-1) for s in (1, 2)]
        events = []
        out = os.path.join(self.tmp.name, 'run')
        result = adapt.adapt(self.base, clips, 30.0, out, 2, frames=16, batch=1, emit=events.append)
        self.assertEqual([e['event'] for e in events], ['start', 'step', 'step', 'done'])
        self.assertEqual(len(result['losses']), 2)
        self.assertTrue(all(np.isfinite(result['losses'])))
        graph = onnx.load(result['onnx']).graph
        self.assertEqual(graph.input[0].name, 'frame_diffs')
        before, after = state_dict_from_onnx(self.base), state_dict_from_onnx(result['onnx'])
        SSPD().load_state_dict(after, strict=True)
        same = lambda key: torch.allclose(before[key], after[key], atol=1e-6)  # noqa: E731
        self.assertTrue(same('backbone_step1.Conv_Layer1.weight') and same('backbone_step2.Conv_Layer2.weight'), 'frozen steps stay')
        self.assertTrue(same('backbone_step3.BN2.running_var'), 'BatchNorm statistics stay')
        self.assertFalse(same('backbone_step3.Conv_Layer1.weight'), 'later steps learn')
        self.assertFalse(same('predictor.conv1.weight'), 'the predictor learns')
        self.assertEqual(result['base_sha256'], adapt.sha256(self.base))

    def test_recordings_too_short_for_one_window_are_refused(self) -> None:
        with self.assertRaisesRegex(adapt.BadInput, 'at least 65 consecutive frames'):
            adapt.adapt(self.base, [torch.zeros(30, 128, 128, 3, dtype=torch.uint8)], 30.0, self.tmp.name, 1)

    def test_the_command_reads_stdin_reports_json_lines_and_says_what_is_wrong(self) -> None:
        out = os.path.join(self.tmp.name, 'cli')
        command = [sys.executable, os.path.join(HERE, 'adapt.py'), '--base', self.base, '--out', out, '--steps', '1',
                   '--frames', '8', '--batch', '1', '--threads', '2']
        # stdin stays open while it runs, as the app keeps it: its end means "stop now".
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            proc.stdin.write(clip_stream([pulsing_rgb(20, 4)]))
            proc.stdin.flush()
            events = [json.loads(line) for line in proc.stdout]
            self.assertEqual(proc.wait(timeout=120), 0, proc.stderr.read().decode()[-400:])
            proc.stdin.close()
        self.assertEqual([e['event'] for e in events], ['start', 'step', 'done'])
        self.assertTrue(os.path.exists(events[-1]['onnx']))
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as proc:
            proc.stdin.write(clip_stream([pulsing_rgb(20, 4)]))
            proc.stdin.close()
            self.assertEqual(proc.wait(timeout=60), 3, 'the end of stdin stops the run')
        bad = subprocess.run([*command[:3], os.path.join(self.tmp.name, 'missing.onnx'), *command[4:]],
                             input=clip_stream([pulsing_rgb(20, 4)]), capture_output=True, timeout=60)
        self.assertEqual(bad.returncode, 2)
        self.assertIn('no such file', bad.stderr.decode())
        short = subprocess.run(command, input=clip_stream([pulsing_rgb(5, 4)]), capture_output=True, timeout=60)
        self.assertEqual(short.returncode, 2)
        self.assertIn('no stretch of at least 9 consecutive frames', short.stderr.decode())


if __name__ == '__main__':
    unittest.main()
