"""Training monitor: the teacher's HR and spectral SNR on held-out windows of known truth (labels never train)."""
from __future__ import annotations

import contextlib
from collections import defaultdict

import numpy as np
import torch
from torch.nn import functional as F

from sspd_model import INPUT_SIZE, SSPD

BAND_BPM = (40.0, 200.0)
# Slow pulses get a bucket of their own: below about 70 bpm the bundled network passes a pulse's second harmonic far
# better than its fundamental and reads twice the HR (MODEL_CARD, Limits).
SLOW_BPM = 70.0
# The app's SNR (main/signal/spectrum.ts, de Haan & Jeanne): power within ±6 bpm of the peak and its
# harmonic over the rest of 0.5–4 Hz.
SNR_BAND_HZ = (0.5, 4.0)
SNR_HALF_WIDTH_HZ = 0.1


def spectrum(wave: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Zero-padded Hann power spectrum after removing the window's mean and trend: (Hz, power)."""
    t = np.arange(len(wave))
    wave = wave - np.polyval(np.polyfit(t, wave, 1), t)
    n = max(8192, len(wave))
    return np.fft.rfftfreq(n, 1 / fps), np.abs(np.fft.rfft(wave * np.hanning(len(wave)), n)) ** 2


def spectral_bpm(wave: np.ndarray, fps: float) -> float:
    """Peak of the spectrum inside 40–200 bpm."""
    hz, power = spectrum(wave, fps)
    band = (hz * 60 >= BAND_BPM[0]) & (hz * 60 <= BAND_BPM[1])
    return float(hz[band][power[band].argmax()] * 60)


def snr_db(wave: np.ndarray, fps: float, bpm: float) -> float:
    hz, power = spectrum(wave, fps)
    band = (hz >= SNR_BAND_HZ[0]) & (hz <= SNR_BAND_HZ[1])
    f0 = bpm / 60
    near = (np.abs(hz - f0) <= SNR_HALF_WIDTH_HZ) | (np.abs(hz - 2 * f0) <= SNR_HALF_WIDTH_HZ)
    signal, noise = power[band & near].sum(), power[band & ~near].sum()
    if not signal > 0:
        return -60.0
    return float(np.clip(10 * np.log10(signal / max(noise, 1e-30)), -60, 60))


def teacher_input(window: torch.Tensor) -> torch.Tensor:
    """(T+1, 151, 151, 3) uint8 → (1, 3, T, 128, 128) differences of area-resized frames, as the app feeds them."""
    frames = F.interpolate(window.permute(0, 3, 1, 2).float(), size=(INPUT_SIZE, INPUT_SIZE), mode='area')
    return (frames[1:] - frames[:-1]).permute(1, 0, 2, 3)[None]


def read_wave(model: SSPD, window: torch.Tensor, fps: float,
              amp: contextlib.AbstractContextManager = contextlib.nullcontext()) -> tuple[float, float]:
    """The model's HR (spectral peak) and SNR at that peak on one window."""
    with amp:
        wave = model(teacher_input(window)).float()[0].cpu().numpy()
    bpm = spectral_bpm(wave, fps)
    return bpm, snr_db(wave, fps, bpm)


def summarise(errors: list[float], truths: list[float], reads: list[float], snrs: list[float], prefix: str) -> dict[str, float]:
    out: dict[str, float] = {}
    if errors:
        e, t, r = np.array(errors), np.array(truths), np.array(reads)
        out |= {f'{prefix}mae_bpm': round(float(e.mean()), 2), f'{prefix}within3': round(float((e <= 3).mean()), 3),
                f'{prefix}doubled': int((np.abs(r - 2 * t) < 5).sum()), f'{prefix}halved': int((np.abs(r - t / 2) < 5).sum())}
    if snrs:
        out[f'{prefix}snr_db'] = round(float(np.median(snrs)), 2)
    return out


class HrMonitor:
    """Held-out rendered windows, each with its condition name and true HR (NaN: no pulse)."""

    def __init__(self, windows: list[tuple[torch.Tensor, dict]], fps: float) -> None:
        self.windows = windows
        self.fps = fps

    @torch.no_grad()
    def evaluate(self, model: SSPD, amp: contextlib.AbstractContextManager = contextlib.nullcontext()) -> dict[str, float]:
        """val_* over all pulsing windows, val_<condition>_* per condition and val_below70bpm_* for slow pulses;
        for no-pulse windows only the SNR at the model's own peak (low is right) and the share above 0 dB."""
        by = defaultdict(lambda: ([], [], [], []))
        pooled = ([], [], [], [])
        nopulse_snrs = []
        for window, meta in self.windows:
            bpm, snr = read_wave(model, window, self.fps, amp)
            if not meta['pulse']:
                nopulse_snrs.append(snr)
                continue
            buckets = [by[meta['condition']], pooled]
            if meta['bpm'] < SLOW_BPM:
                buckets.append(by[f'below{SLOW_BPM:.0f}bpm'])
            for bucket in buckets:
                for values, v in zip(bucket, (abs(bpm - meta['bpm']), meta['bpm'], bpm, snr)):
                    values.append(v)
        out = summarise(*pooled, prefix='val_') | {'val_windows': len(self.windows)}
        for name, bucket in sorted(by.items()):
            out |= summarise(*bucket, prefix=f'val_{name}_')
        if nopulse_snrs:
            out |= {'val_nopulse_snr_db': round(float(np.median(nopulse_snrs)), 2),
                    'val_nopulse_above0db': round(float((np.array(nopulse_snrs) > 0).mean()), 3)}
        return out
