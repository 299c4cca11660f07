"""Training runs on CPU in seconds: time-boxed stops with a checkpoint, exact resumes, one data stream, a strict teacher.

Run: /usr/bin/python3 -m unittest discover -s models/python
"""
from __future__ import annotations

import concurrent.futures as cf
import json
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
from hr_monitor import HrMonitor  # noqa: E402
from sspd_training_blocks import sspd_losses  # noqa: E402

FACES = os.path.join(os.environ.get('PULSE_SHARED_DIR') or os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared')), 'faces')


def read_json(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def tiny(out: str, *extra: str) -> list[str]:
    return ['--synthetic', '2', '--frames', '16', '--batch', '2', '--out', out, '--save-every', '1',
            '--optimizer-dtype', 'float32', '--workers', '2', *extra]


class TrainingSmoke(unittest.TestCase):
    def test_a_stopped_and_resumed_run_ends_exactly_where_an_unbroken_run_does(self) -> None:
        with tempfile.TemporaryDirectory() as whole, tempfile.TemporaryDirectory() as parts:
            train.main(tiny(whole, '--steps', '3'))
            first = train.main(tiny(parts, '--steps', '2'))
            self.assertEqual(first['step'], 2)
            about = read_json(os.path.join(parts, 'latest.json'))
            self.assertEqual((about['step'], about['data_seed'], about['config']['batch']), (2, 0, 2))
            # The run's config comes from the checkpoint: a different seed on the command line is ignored.
            resumed = train.main(tiny(parts, '--steps', '3', '--resume', '--seed', '5'))
            self.assertEqual(resumed['step'], 3)
            self.assertTrue(np.isfinite(resumed['total']))
            a = torch.load(os.path.join(whole, 'latest.pth'))
            b = torch.load(os.path.join(parts, 'latest.pth'))
            self.assertEqual((a['step'], b['step']), (3, 3))
            for key in ('student', 'teacher', 'head', 'teacher_head'):
                for name, value in a[key].items():
                    self.assertTrue(torch.equal(value, b[key][name]), f'{key}.{name} differs after the resume')
            load_checkpoint(SSPD(), os.path.join(parts, 'teacher-sspd.pth'))

    def test_minutes_stops_cleanly_with_a_checkpoint(self) -> None:
        with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as ckpt:
            ended = train.main(tiny(out, '--steps', '1000', '--minutes', '0.001', '--checkpoint', ckpt, '--save-every', '500'))
            self.assertEqual(ended['step'], 1)
            self.assertEqual(torch.load(os.path.join(ckpt, 'latest.pth'))['step'], 1)
            self.assertEqual(read_json(os.path.join(ckpt, 'latest.json'))['step'], 1)
            self.assertTrue(os.path.exists(os.path.join(out, 'teacher-sspd.pth')))
            compact = torch.load(os.path.join(ckpt, 'latest.pth'))  # float32 asked for here
            self.assertTrue(all(v.dtype == torch.float32 for s in compact['optimizer']['state'].values()
                                for k, v in s.items() if k.startswith('exp_avg')))

    def test_the_data_stream_is_a_function_of_seed_and_step(self) -> None:
        cfg = {'frames': 16, 'batch': 3, 'seed': 4}
        source = train.clip_windows(train.synthetic_clips(3, 40, 30.0, 0), torch.device('cpu'))
        with cf.ThreadPoolExecutor(3) as pool:
            a, b, again = (train.make_batch(source, cfg, step, pool) for step in (7, 8, 7))
        self.assertTrue(all(torch.equal(x, y) for x, y in zip(a, again)))
        self.assertFalse(torch.equal(a[0], b[0]))

    def test_momentum_rises_to_its_cap_and_stays_below_1(self) -> None:
        self.assertAlmostEqual(train.momentum(0), 0.9)
        self.assertAlmostEqual(train.momentum(500), 0.945)
        self.assertAlmostEqual(train.momentum(1000), 0.99)
        self.assertAlmostEqual(train.momentum(50_000), 0.99)
        values = [train.momentum(s) for s in range(0, 3000, 50)]
        self.assertEqual(values, sorted(values))

    def test_negative_windows_are_pushed_toward_no_rhythm_and_spared_the_periodicity_priors(self) -> None:
        t = torch.arange(128) / 30.0
        periodic_wave = torch.sin(2 * np.pi * 1.2 * t)[None].repeat(2, 1)
        maps = [torch.eye(8)[None].repeat(2, 1, 1)]
        flags = torch.tensor([True, False])
        losses = sspd_losses(maps, maps, periodic_wave, periodic_wave, 30.0, flags)
        self.assertGreater(float(losses['aperiodic']), 0.1, 'a rhythm in a no-pulse window costs')
        noise = torch.randn(2, 128, generator=torch.Generator().manual_seed(0))
        flat = sspd_losses(maps, maps, noise, noise, 30.0, flags)
        self.assertLess(float(flat['aperiodic']), float(losses['aperiodic']))
        all_pulse = sspd_losses(maps, maps, periodic_wave, periodic_wave, 30.0)
        self.assertEqual(float(all_pulse['aperiodic']), 0.0)

    def test_reads_a_folder_of_npy_clips_and_resizes_them_to_151(self) -> None:
        with tempfile.TemporaryDirectory() as clips:
            np.save(os.path.join(clips, 'a.npy'), np.full((20, 64, 64, 3), 120, np.uint8))
            loaded = train.load_clips(clips)
            self.assertEqual(tuple(loaded[0].shape), (20, 151, 151, 3))

    def test_the_monitor_counts_slow_pulses_read_at_twice_their_rate_on_their_own(self) -> None:
        fps, steps = 30.0, 300
        t = torch.arange(steps) / fps

        def reads_96_bpm(diffs: torch.Tensor) -> torch.Tensor:
            # Stands in for the network: whatever the window, a clean rhythm at 96 bpm.
            return torch.sin(2 * np.pi * 1.6 * t)[None]

        window = torch.zeros(steps + 1, 151, 151, 3, dtype=torch.uint8)
        monitor = HrMonitor([(window, {'pulse': True, 'condition': 'clean', 'bpm': 48.0}),
                             (window, {'pulse': True, 'condition': 'clean', 'bpm': 96.0})], fps)
        record = monitor.evaluate(reads_96_bpm)
        self.assertEqual(record['val_clean_doubled'], 1)
        self.assertEqual(record['val_below70bpm_doubled'], 1, 'the 48 bpm window, read at 96')
        self.assertAlmostEqual(record['val_below70bpm_mae_bpm'], 48.0, delta=0.5)
        self.assertAlmostEqual(record['val_mae_bpm'], 24.0, delta=0.5, msg='the 96 bpm window is read right')

    @unittest.skipUnless(os.path.isdir(FACES), f'../shared is absent ({FACES} not found)')
    def test_a_rendered_face_run_monitors_every_condition(self) -> None:
        with tempfile.TemporaryDirectory() as out:
            train.main(['--faces', FACES, '--frames', '16', '--batch', '2', '--steps', '1', '--out', out,
                        '--eval-per-condition', '1', '--eval-frames', '16', '--workers', '2'])
            with open(os.path.join(out, 'metrics.jsonl')) as f:
                record = [json.loads(line) for line in f][-1]
            for name in ('clean', 'compressed', 'motion', 'flicker', 'light', 'weak', 'dark', 'hard'):
                self.assertIn(f'val_{name}_mae_bpm', record)
            self.assertIn('val_nopulse_snr_db', record)


if __name__ == '__main__':
    unittest.main()
