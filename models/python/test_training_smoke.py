"""Two training steps on tiny synthetic clips, a resume, and a strict export of the teacher.

Run: /usr/bin/python3 -m unittest discover -s models/python
"""
from __future__ import annotations

import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402
from sspd_model import SSPD, load_checkpoint  # noqa: E402


class TrainingSmoke(unittest.TestCase):
    def test_trains_resumes_and_writes_a_strictly_loadable_teacher(self) -> None:
        with tempfile.TemporaryDirectory() as out:
            common = ['--frames', '16', '--batch', '2', '--out', out, '--save-every', '1']
            first = train.main(['--synthetic', '2', '--steps', '2', *common])
            self.assertTrue(all(np.isfinite(v) for v in first.values()))
            resumed = train.main(['--synthetic', '2', '--steps', '3', '--resume', *common])
            self.assertTrue(np.isfinite(resumed['total']))
            self.assertEqual(torch.load(os.path.join(out, 'checkpoint-last.pth'))['step'], 3)
            load_checkpoint(SSPD(), os.path.join(out, 'teacher-sspd.pth'))

    def test_reads_a_folder_of_npy_clips_and_resizes_them_to_151(self) -> None:
        with tempfile.TemporaryDirectory() as clips:
            np.save(os.path.join(clips, 'a.npy'), np.full((20, 64, 64, 3), 120, np.uint8))
            loaded = train.load_clips(clips)
            self.assertEqual(tuple(loaded[0].shape), (20, 151, 151, 3))

    def test_momentum_rises_from_0_9_to_1_on_a_cosine(self) -> None:
        self.assertAlmostEqual(train.momentum(0, 100), 0.9)
        self.assertAlmostEqual(train.momentum(50, 100), 0.95)
        self.assertAlmostEqual(train.momentum(100, 100), 1.0)


if __name__ == '__main__':
    unittest.main()
