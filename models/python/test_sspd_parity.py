"""The PyTorch SSPD module loads the authors' checkpoint strictly and reproduces the fixture.

Run: /usr/bin/python3 -m unittest discover -s models/python
"""
from __future__ import annotations

import gzip
import json
import os
import sys
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sspd_model import SSPD, load_checkpoint  # noqa: E402

# ../shared beside the checkout, or PULSE_SHARED_DIR (as for the vitest parity test).
SHARED = os.path.join(os.environ.get('PULSE_SHARED_DIR') or os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared')), 'models')
CHECKPOINT = os.path.join(SHARED, 'sspd-ubfc-authors.pth')
FIXTURES = os.path.join(SHARED, 'fixtures')


def load_fixture() -> tuple[np.ndarray, np.ndarray]:
    with open(os.path.join(FIXTURES, 'parity.json')) as f:
        meta = json.load(f)
    with gzip.open(os.path.join(FIXTURES, meta['frames_file'])) as f:
        frames = np.frombuffer(f.read(), np.uint8).reshape(meta['frames_shape_THWC'])
    expected = np.fromfile(os.path.join(FIXTURES, meta['expected_file']), '<f4')
    return frames, expected


def frame_diffs(frames_bgr: np.ndarray) -> torch.Tensor:
    """(T+1, H, W, 3) uint8 BGR → (1, 3, T, H, W) raw float32 differences."""
    f = frames_bgr.astype(np.float32)
    return torch.from_numpy(f[1:] - f[:-1]).permute(3, 0, 1, 2).unsqueeze(0).contiguous()


@unittest.skipUnless(os.path.exists(CHECKPOINT), f'../shared is absent ({CHECKPOINT} not found)')
class AuthorsCheckpointParity(unittest.TestCase):
    def test_loads_strictly_with_the_spec_parameter_count(self) -> None:
        model = load_checkpoint(SSPD(), CHECKPOINT)
        self.assertEqual(sum(p.numel() for p in model.parameters()), 786_079)
        self.assertEqual(len(model.state_dict()), 67)

    def test_reproduces_the_authors_waveform_on_the_fixture(self) -> None:
        torch.set_num_threads(2)
        frames, expected = load_fixture()
        model = load_checkpoint(SSPD(), CHECKPOINT).eval()
        with torch.no_grad():
            waveform = model(frame_diffs(frames))[0].numpy()
        self.assertEqual(waveform.shape, expected.shape)
        tolerance = 1e-4 * float(expected.std())
        self.assertLess(float(np.abs(waveform - expected).max()), tolerance)


class Export(unittest.TestCase):
    def test_row_banded_export_module_matches_the_plain_network(self) -> None:
        from export import RowTiledSSPD
        torch.manual_seed(1)
        model = SSPD().eval()
        x = torch.randn(1, 3, 6, 128, 128) * 8
        with torch.no_grad():
            plain = model(x)
            for tiles in (2, 4, 5):
                # Same sums, but oneDNN may pick another convolution algorithm for a band's shape
                # (it did on CI once), so compare to float rounding rather than bit for bit.
                banded = RowTiledSSPD(model, tiles).eval()(x)
                self.assertLessEqual(float((banded - plain).abs().max()), 1e-3 * float(plain.abs().max()), tiles)


class Shapes(unittest.TestCase):
    def test_output_has_two_floor_half_t_samples_for_odd_and_even_t(self) -> None:
        model = SSPD().eval()
        with torch.no_grad():
            for t in (5, 6):
                self.assertEqual(tuple(model(torch.zeros(1, 3, t, 128, 128)).shape), (1, 2 * (t // 2)))


if __name__ == '__main__':
    unittest.main()
