"""The recording conditions of a rendered window: what is drawn, and the motion and light it makes.

A window's `Conditions` are drawn once from its own random generator, either as a random mix (the
training stream) or forced to one named hard case (the monitor's held-out sets). Units follow how
such conditions are described for real recordings (and in ../shared/clips/synthetic-dev): motion in
pixels of the camera frame, degrees and percent scale; pulse depth, flicker, drift and gradient in
percent of intensity; noise in 8-bit levels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

# Motion levels, as (± px in the camera frame, ± degrees, ± % scale).
MOTION = {'still': (0.0, 0.0, 0.0), 'mild': (5.0, 1.0, 1.0), 'moderate': (10.0, 2.0, 2.0), 'strong': (15.0, 3.0, 3.0)}
# Mains lamps flicker at twice the mains frequency.
LAMP_HZ = (100.0, 120.0)
CAMERA_ROWS = 480
CONDITIONS = ('clean', 'compressed', 'mjpeg', 'motion', 'flicker', 'light', 'weak', 'dark', 'hard', 'nopulse')


@dataclass(frozen=True)
class Conditions:
    name: str
    pulse: bool
    amplitude: float          # pulse depth, fraction of intensity (× the blood-volume signature)
    fitzpatrick: int          # skin type 1–6
    motion_px: float
    motion_deg: float
    motion_scale: float       # fraction
    shake_hz: float           # upper edge of the shake's spectrum
    crop_px: float            # the face crop's size in camera pixels (sets what a pixel of motion means)
    flicker: float            # fraction of intensity, 0 = none
    lamp_hz: float
    camera_fps: float         # the camera's true rate (a little off 30: the flicker's alias depends on it)
    rolling_shutter: float    # readout time as a fraction of a frame, 0 = global shutter
    drift: float              # slow illumination drift, fraction
    gradient: float           # illumination gradient across the crop, fraction
    noise: float              # read noise σ, 8-bit levels
    shot: float               # shot-noise gain: variance = shot × level
    codec: str | None         # None, 'h264' or 'mjpeg'
    crf: tuple[int, int] = (18, 30)
    mirror: bool = False
    warp: float = 0.0         # local face warp, fraction of the photo
    background: bool = False  # replace the background with a random texture
    hair: bool = False        # recolour the hair


def draw(rng: np.random.Generator, name: str | None = None, compress_share: float = 0.4,
         nopulse_share: float = 0.1) -> Conditions:
    """A random mix of conditions (name None) or one named hard case on top of a clean draw."""
    u = rng.uniform
    level = ('still', 'mild', 'moderate', 'strong')[int(rng.integers(4))]
    px, deg, pct = (m * u(0.3, 1.0) for m in MOTION[level])
    codec = None
    if u() < compress_share:
        codec = 'mjpeg' if u() < 0.3 else 'h264'
    c = Conditions(
        name='mixed', pulse=u() >= nopulse_share,
        amplitude=math.exp(u(math.log(0.0025), math.log(0.02))), fitzpatrick=int(rng.integers(1, 7)),
        motion_px=px, motion_deg=deg, motion_scale=pct / 100, shake_hz=u(0.5, 5.0), crop_px=u(180, 380),
        flicker=u(0.002, 0.03) if u() < 0.3 else 0.0, lamp_hz=LAMP_HZ[int(rng.integers(2))],
        camera_fps=30 * (1 + u(-0.015, 0.015)), rolling_shutter=u(0.5, 0.95) if u() < 0.7 else 0.0,
        drift=u(0, 0.08), gradient=u(0, 0.1) if u() < 0.5 else 0.0,
        noise=u(0.5, 3.5), shot=u(0, 0.05), codec=codec,
        mirror=bool(u() < 0.5), warp=u(0, 0.02), background=bool(u() < 0.6), hair=bool(u() < 0.5))
    if name is None:
        return c
    calm = replace(c, name=name, pulse=True, amplitude=u(0.006, 0.012), motion_px=0.0, motion_deg=0.0,
                   motion_scale=0.0, flicker=0.0, drift=u(0, 0.02), gradient=0.0, noise=u(0.5, 1.0),
                   shot=0.0, codec=None)
    strong = dict(motion_px=u(12, 15), motion_deg=u(2.5, 3), motion_scale=u(0.025, 0.03), shake_hz=u(2, 5))
    # 120 Hz seen a little off 30 fps lands inside the heart-rate band: the worst case.
    in_band = dict(flicker=u(0.01, 0.02), lamp_hz=120.0, camera_fps=30 * (1 + u(0.006, 0.012) * rng.choice([-1, 1])),
                   rolling_shutter=u(0.5, 0.95))
    cases = {
        'clean': {},
        'compressed': dict(codec='h264', crf=(24, 30)),
        'mjpeg': dict(codec='mjpeg'),
        'motion': strong,
        'flicker': in_band,
        'light': dict(drift=u(0.04, 0.06), gradient=u(0.05, 0.1)),
        'weak': dict(amplitude=u(0.003, 0.004), noise=u(1.5, 3)),
        'dark': dict(fitzpatrick=int(rng.integers(5, 7)), amplitude=u(0.004, 0.008)),
        'hard': dict(**strong, **in_band, codec='h264', crf=(27, 29), amplitude=u(0.003, 0.0045),
                     drift=0.05, gradient=0.08, noise=u(2.5, 3)),
        'nopulse': dict(pulse=False, **{k: getattr(c, k) for k in ('motion_px', 'motion_deg', 'motion_scale', 'flicker',
                                                                  'codec', 'drift', 'gradient', 'noise')}),
    }
    if name not in cases:
        raise ValueError(f'unknown condition {name}; one of {", ".join(CONDITIONS)}')
    return replace(calm, **cases[name])


def smooth_noise(rng: np.random.Generator, n: int, fps: float, max_hz: float) -> np.ndarray:
    """Random motion with its spectrum below max_hz, peak |x| = 1 (not periodic: no single rate)."""
    spectrum = np.fft.rfft(rng.standard_normal(n * 2))
    freqs = np.fft.rfftfreq(n * 2, 1 / fps)
    spectrum *= 1 / (1 + (freqs / max_hz) ** 4)  # soft low-pass
    x = np.fft.irfft(spectrum, n * 2)[:n]
    x -= x.mean()
    return x / max(np.abs(x).max(), 1e-9)


def wander(rng: np.random.Generator, n: int, fps: float, hz: tuple[float, float]) -> np.ndarray:
    """Sum of two slow random sinusoids, peak-normalised to about 1."""
    t = np.arange(n) / fps
    return sum(rng.uniform(-1, 1) * np.sin(2 * math.pi * rng.uniform(*hz) * t + rng.uniform(0, 6.3)) for _ in range(2)) / 2


def motion(c: Conditions, rng: np.random.Generator, n: int, fps: float) -> tuple[np.ndarray, ...]:
    """Per-frame shift (fraction of the crop, x and y), roll (radians) and zoom: slow head motion plus shake."""
    def part(limit: float) -> np.ndarray:
        if limit == 0:
            return np.zeros(n)
        share = rng.uniform(0.2, 0.8)  # how much is slow head drift, how much shake
        x = share * wander(rng, n, fps, (0.03, 0.3)) + (1 - share) * smooth_noise(rng, n, fps, c.shake_hz)
        return limit * x / max(np.abs(x).max(), 1e-9)
    dx, dy = part(c.motion_px / c.crop_px), part(c.motion_px / c.crop_px)
    return dx, dy, part(math.radians(c.motion_deg)), 1 + part(c.motion_scale)


def light(c: Conditions, rng: np.random.Generator, n: int, size: int, fps: float, device: torch.device) -> torch.Tensor:
    """(n, 3, size, size) multiplicative light: drift and colour drift, a drifting gradient, lamp flicker."""
    u = rng.uniform
    drift = 1 + c.drift * wander(rng, n, fps, (0.01, 0.1))
    tint = 1 + 0.2 * c.drift * np.stack([wander(rng, n, fps, (0.01, 0.1)) for _ in range(3)], 1)
    field = torch.tensor(drift[:, None] * tint, dtype=torch.float32, device=device).view(n, 3, 1, 1)
    axis = torch.linspace(-1, 1, size, device=device)
    if c.gradient > 0:
        angle = u(0, 2 * math.pi)
        ramp = math.cos(angle) * axis.view(1, 1, 1, size) + math.sin(angle) * axis.view(1, 1, size, 1)
        strength = c.gradient * (1 + 0.3 * wander(rng, n, fps, (0.01, 0.1)))
        field = field * (1 + torch.tensor(strength, dtype=torch.float32, device=device).view(n, 1, 1, 1) * ramp / 2)
    if c.flicker > 0:
        field = field * (1 + flicker(c, rng, n, size, device))
    return field


def flicker(c: Conditions, rng: np.random.Generator, n: int, size: int, device: torch.device) -> torch.Tensor:
    """(n, 3, size, 1) lamp flicker as the camera samples it: frame k exposed at k / camera_fps, each
    row later by its share of the readout (rolling shutter: bands that crawl at the alias rate)."""
    crop_rows = min(c.crop_px, CAMERA_ROWS)
    top = rng.uniform(0, CAMERA_ROWS - crop_rows)
    rows = (top + (np.arange(size) + 0.5) / size * crop_rows) / CAMERA_ROWS
    t = np.arange(n)[:, None] / c.camera_fps + rows[None, :] * c.rolling_shutter / c.camera_fps
    wave = c.flicker * np.cos(2 * math.pi * c.lamp_hz * t + rng.uniform(0, 2 * math.pi))
    colour = 1 + rng.uniform(-0.1, 0.1, 3)  # the lamp's own colour
    return torch.tensor(wave[:, None, :, None] * colour[None, :, None, None], dtype=torch.float32, device=device)


def alias_hz(c: Conditions, fps: float = 30.0) -> float:
    """Where the flicker appears when the frames are read as `fps` (the app assumes 30): |F − k·f| folded."""
    per_frame = (c.lamp_hz / c.camera_fps) % 1.0
    return min(per_frame, 1 - per_frame) * fps
