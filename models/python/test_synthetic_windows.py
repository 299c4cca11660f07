"""Rendered training windows hold the hard cases they claim: real compression, aliased flicker, motion, tones, negatives.

Run: /usr/bin/python3 -m unittest test_synthetic_windows   (from models/python; needs ../shared/faces and ffmpeg)
"""
from __future__ import annotations

import math
import os
import sys
import unittest
from dataclasses import replace

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import synthetic_conditions as sc  # noqa: E402
import synthetic_faces as sf  # noqa: E402
import video_codec  # noqa: E402
from hr_monitor import snr_db  # noqa: E402

FACES = os.path.join(os.environ.get('PULSE_SHARED_DIR') or os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared')), 'faces')
FFMPEG = video_codec.find_ffmpeg()
FRAMES = 48


def peak_hz(x: np.ndarray, fps: float) -> float:
    power = np.abs(np.fft.rfft((x - x.mean()) * np.hanning(len(x)), 8192)) ** 2
    return float(np.fft.rfftfreq(8192, 1 / fps)[power.argmax()])


def skin_green(window: torch.Tensor) -> np.ndarray:
    """Mean green of the crop's centre (cheeks and nose) per frame."""
    return window[:, 55:100, 50:100, 1].float().mean((1, 2)).numpy()


@unittest.skipUnless(os.path.isdir(FACES), f'../shared is absent ({FACES} not found)')
class RenderedWindows(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        torch.set_num_threads(2)
        cls.synth = sf.FaceSynth(sf.load_photos(FACES, torch.device('cpu')), ffmpeg=FFMPEG)

    def render(self, seed: int, condition: str | None, frames: int = FRAMES, **overrides: object) -> tuple[torch.Tensor, dict]:
        return self.synth.window(frames, np.random.default_rng(seed), condition, overrides or None)

    @unittest.skipUnless(FFMPEG, 'no ffmpeg')
    def test_compressed_windows_go_through_the_real_codec_and_are_the_same_for_the_same_seed(self) -> None:
        a, meta = self.render(3, 'compressed')
        b, _ = self.render(3, 'compressed')
        self.assertEqual(meta['codec'], 'h264')
        self.assertTrue(24 <= meta['quality'] <= 30)
        self.assertTrue(torch.equal(a, b), 'the same seed renders and encodes to the same pixels')
        self.assertEqual(tuple(a.shape), (FRAMES + 1, 151, 151, 3))
        clean, _ = self.render(3, 'clean')
        frames = clean.numpy()[:, :150, :150, ::-1]
        for settings in (video_codec.CodecSettings('h264', 28), video_codec.CodecSettings('mjpeg', 8)):
            out = video_codec.roundtrip(np.ascontiguousarray(frames), settings, FFMPEG)
            self.assertEqual(out.shape, frames.shape)
            change = np.abs(out.astype(int) - frames).mean()
            self.assertGreater(change, 0.3, f'{settings.codec} changes pixels')
            self.assertLess(change, 15, f'{settings.codec} keeps the picture')
            self.assertTrue(np.array_equal(out, video_codec.roundtrip(np.ascontiguousarray(frames), settings, FFMPEG)))

    def test_lamp_flicker_appears_at_its_alias_and_a_rolling_shutter_makes_bands(self) -> None:
        c = replace(sc.draw(np.random.default_rng(0), 'clean'), flicker=0.02, lamp_hz=120.0, camera_fps=29.7,
                    rolling_shutter=0.0, drift=0.0, gradient=0.0)
        self.assertAlmostEqual(sc.alias_hz(c), 1.2 * 30 / 29.7, places=6)
        field = sc.light(c, np.random.default_rng(1), 300, 16, 30.0, torch.device('cpu'))[:, 1]
        self.assertAlmostEqual(peak_hz(field.mean((1, 2)).numpy(), 30.0), sc.alias_hz(c), delta=0.03)
        self.assertLess(float((field[:, 0] - field[:, -1]).abs().max()), 1e-6, 'a global shutter has no bands')
        fast = replace(c, camera_fps=30.3)  # 120 Hz a little under 4 × 30.3: folds to 4 − 120 / 30.3 cycles per frame
        self.assertAlmostEqual(sc.alias_hz(fast), (4 - 120 / 30.3) * 30, places=6)
        fast_field = sc.light(fast, np.random.default_rng(1), 300, 16, 30.0, torch.device('cpu'))[:, 1]
        self.assertAlmostEqual(peak_hz(fast_field.mean((1, 2)).numpy(), 30.0), sc.alias_hz(fast), delta=0.03)
        c100 = replace(c, lamp_hz=100.0, camera_fps=30.0, rolling_shutter=0.9, crop_px=480)
        self.assertAlmostEqual(sc.alias_hz(c100), 10.0, places=6)
        rows = sc.light(c100, np.random.default_rng(1), 300, 16, 30.0, torch.device('cpu'))[:, 1, :, 0].numpy()
        self.assertAlmostEqual(peak_hz(rows[:, 0], 30.0), 10.0, delta=0.03)
        phase = np.angle(np.fft.rfft(rows[:, -1] - 1)[100] / np.fft.rfft(rows[:, 0] - 1)[100])
        expected = 2 * math.pi * 100 * 0.9 / 30 * (15 / 16)  # readout over the rows between the first and last row centre
        self.assertAlmostEqual(abs(math.remainder(phase - expected, 2 * math.pi)), 0, delta=0.05)
        window, meta = self.render(5, 'flicker', frames=150)
        self.assertIsNotNone(meta['flicker_hz'])
        self.assertLess(meta['flicker_hz'], 3.5, 'the monitor\'s flicker case lies inside the heart-rate band')

    def test_motion_reaches_its_limits_and_no_further(self) -> None:
        c = replace(sc.draw(np.random.default_rng(0), 'motion'), motion_px=15.0, motion_deg=3.0, motion_scale=0.03, crop_px=300.0)
        dx, dy, roll, zoom = sc.motion(c, np.random.default_rng(2), 300, 30.0)
        self.assertAlmostEqual(np.abs(dx).max() * 300, 15.0, places=6)
        self.assertAlmostEqual(np.degrees(np.abs(roll).max()), 3.0, places=6)
        self.assertAlmostEqual(np.abs(zoom - 1).max(), 0.03, places=6)
        still = replace(c, motion_px=0.0, motion_deg=0.0, motion_scale=0.0)
        self.assertTrue(all(np.all(v == ref) for v, ref in zip(sc.motion(still, np.random.default_rng(2), 30, 30.0), (0, 0, 0, 1))))
        moving, _ = self.render(7, 'motion')
        steady, _ = self.render(7, 'motion', motion_px=0.0, motion_deg=0.0, motion_scale=0.0)
        self.assertGreater(float((moving[-1].float() - moving[0].float()).abs().mean()),
                           4 * float((steady[-1].float() - steady[0].float()).abs().mean()))

    def test_skin_tones_span_fitzpatrick_i_to_vi(self) -> None:
        photo = self.synth.photos[0]
        means = []
        for kind in (1, 6):
            c = replace(sc.draw(np.random.default_rng(0), 'clean'), fitzpatrick=kind, hair=False, background=False, warp=0.0, mirror=False)
            rgb, skin, _ = sf.vary_face(photo, c, np.random.default_rng(1))
            core = (skin > 0.9).float()
            mean = ((rgb * core).sum((1, 2)) / core.sum()).numpy()
            np.testing.assert_allclose(mean, sf.FITZPATRICK_RGB[kind], rtol=0.15)  # ±8 % jitter per window, partly-skin pixels
            means.append(mean.mean())
        self.assertGreater(means[0], 2.5 * means[1])

    def test_a_negative_window_differs_from_its_pulsing_twin_by_the_pulse_alone(self) -> None:
        pulsing, meta = self.render(11, 'clean', frames=240, amplitude=0.01, noise=0.5)
        negative, neg_meta = self.render(11, 'clean', frames=240, amplitude=0.01, noise=0.5, pulse=False)
        self.assertTrue(meta['pulse'] and not neg_meta['pulse'])
        self.assertTrue(math.isnan(neg_meta['bpm']))
        on, off = skin_green(pulsing), skin_green(negative)
        self.assertGreater(snr_db(np.diff(on), 30.0, meta['bpm']), 3.0, 'the pulse stands out in the skin')
        self.assertLess(snr_db(np.diff(off), 30.0, meta['bpm']), 0.0, 'no rhythm at that rate without it')
        self.assertGreater(float(np.abs(on - off).max()), 0.3)

    def test_every_named_condition_renders_and_the_mix_draws_hard_cases(self) -> None:
        for i, name in enumerate(sc.CONDITIONS):
            window, meta = self.render(20 + i, name, frames=8)
            self.assertEqual(meta['condition'], name)
            self.assertEqual(window.dtype, torch.uint8)
            self.assertEqual(meta['pulse'], name != 'nopulse')
        draws = [sc.draw(np.random.default_rng([9, i])) for i in range(400)]
        self.assertTrue(0.05 < np.mean([not d.pulse for d in draws]) < 0.15)
        self.assertTrue(0.3 < np.mean([d.codec is not None for d in draws]) < 0.5)
        self.assertEqual({d.fitzpatrick for d in draws}, set(range(1, 7)))
        self.assertLess(min(d.amplitude for d in draws), 0.003)
        self.assertGreater(max(d.motion_px for d in draws), 13)


if __name__ == '__main__':
    unittest.main()
