"""Training monitor: the teacher's HR on held-out synthetic windows of known HR (labels never train)."""
from __future__ import annotations

import contextlib

import numpy as np
import torch
from torch.nn import functional as F

from sspd_model import INPUT_SIZE, SSPD

BAND_BPM = (40.0, 200.0)


def spectral_bpm(wave: np.ndarray, fps: float) -> float:
    """Peak of the zero-padded spectrum inside 40–200 bpm, after removing the window's mean and trend."""
    t = np.arange(len(wave))
    wave = wave - np.polyval(np.polyfit(t, wave, 1), t)
    n = max(8192, len(wave))
    power = np.abs(np.fft.rfft(wave * np.hanning(len(wave)), n)) ** 2
    bpm = np.fft.rfftfreq(n, 1 / fps) * 60
    band = (bpm >= BAND_BPM[0]) & (bpm <= BAND_BPM[1])
    return float(bpm[band][power[band].argmax()])


def teacher_input(window: torch.Tensor) -> torch.Tensor:
    """(T+1, 151, 151, 3) uint8 → (1, 3, T, 128, 128) differences of area-resized frames, as the app feeds them."""
    frames = F.interpolate(window.permute(0, 3, 1, 2).float(), size=(INPUT_SIZE, INPUT_SIZE), mode='area')
    return (frames[1:] - frames[:-1]).permute(1, 0, 2, 3)[None]


class HrMonitor:
    def __init__(self, windows: list[tuple[torch.Tensor, float]], fps: float) -> None:
        self.windows = windows
        self.fps = fps

    @torch.no_grad()
    def evaluate(self, model: SSPD, amp: contextlib.AbstractContextManager = contextlib.nullcontext()) -> dict[str, float]:
        errors, doubled = [], 0
        for window, truth in self.windows:
            with amp:
                wave = model(teacher_input(window)).float()[0].cpu().numpy()
            bpm = spectral_bpm(wave, self.fps)
            errors.append(abs(bpm - truth))
            doubled += abs(bpm - 2 * truth) < 5
        e = np.array(errors)
        return {'val_mae_bpm': round(float(e.mean()), 2), 'val_within3': round(float((e <= 3).mean()), 3),
                'val_doubled': doubled, 'val_windows': len(e)}
