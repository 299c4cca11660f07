"""Synthetic pulsing-face clips for unsupervised training, rendered on the fly (CPU or GPU).

Same physics as the app's test subjects (scripts/synth), drawn independently per window:
a public-domain face photo, its skin (YCbCr rule of Chai & Ngan) tinted to a random skin tone
and pulsing along the blood-volume colour signature of de Haan & van Leest at a random HR with
slow HR variability; the head drifts, shakes, rolls and zooms inside a crop that is fixed per
clip (as the app's crop rule makes it); light drifts and sometimes flickers; camera gains, sensor
noise and 8-bit quantisation. The true HR is returned for monitoring only: training never sees it.
"""
from __future__ import annotations

import glob
import json
import math
import os
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch.nn import functional as F

OUT_SIZE = 151
# Normalised blood-volume pulse of skin in R, G, B (de Haan & van Leest 2014), green = 1.
PULSE_RGB = (0.33 / 0.77, 1.0, 0.53 / 0.77)
BPM_RANGE = (42.0, 180.0)


FACE_BOXES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'face_boxes.json')


@dataclass
class Photo:
    rgb: torch.Tensor    # (3, H, W) float 0–255
    skin: torch.Tensor   # (1, H, W) soft mask 0–1
    crop: tuple[float, float, float, float]  # SSPD crop: centre x, y, half width, half height in [-1, 1] units


def skin_mask(rgb: torch.Tensor) -> torch.Tensor:
    r, g, b = rgb
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    hard = ((cr >= 133) & (cr <= 173) & (cb >= 77) & (cb <= 127) & (luma > 40)).float()
    k = max(3, rgb.shape[-1] // 100 * 2 + 1)
    return F.avg_pool2d(hard[None, None], k, stride=1, padding=k // 2)[0]


def skin_box(skin: torch.Tensor) -> tuple[float, float, float, float]:
    """Bulk of the skin (5–95 % quantiles) as x, y, width, height in pixels: a fallback face box."""
    ys, xs = torch.nonzero(skin[0] > 0.5, as_tuple=True)
    if len(xs) < 100:
        return 0.0, 0.0, float(skin.shape[-1]), float(skin.shape[-2])
    q = torch.tensor([0.05, 0.95], device=xs.device)
    (x0, x1), (y0, y1) = torch.quantile(xs.float(), q).tolist(), torch.quantile(ys.float(), q).tolist()
    return x0, y0, x1 - x0, y1 - y0


def sspd_crop(box: tuple[float, float, float, float], width: int, height: int) -> tuple[float, float, float, float]:
    """The authors' crop rule (as common/geometry/box.ts): widen by a = max(h/3, 40) left, right and
    down, 1.4·a up, clip to the photo; returned in grid_sample units."""
    x, y, w, h = box
    a = max(h / 3, 40)
    x0, x1 = max(0.0, x - a), min(float(width), x + w + a)
    y0, y1 = max(0.0, y - 1.4 * a), min(float(height), y + h + a)
    return (x0 + x1) / width - 1, (y0 + y1) / height - 1, (x1 - x0) / width, (y1 - y0) / height


def load_photos(folder: str, device: torch.device) -> list[Photo]:
    with open(FACE_BOXES) as f:
        boxes = json.load(f)
    photos = []
    for path in sorted(glob.glob(os.path.join(folder, '*.png')) + glob.glob(os.path.join(folder, '*.jpg'))):
        rgb = torch.from_numpy(np.asarray(Image.open(path).convert('RGB'), dtype=np.float32)).permute(2, 0, 1).to(device)
        skin = skin_mask(rgb)
        box = boxes.get(os.path.basename(path)) or skin_box(skin)
        photos.append(Photo(rgb, skin, sspd_crop(tuple(box), rgb.shape[-1], rgb.shape[-2])))
    if not photos:
        raise SystemExit(f'no .png/.jpg face photos in {folder}')
    return photos


class FaceSynth:
    """Draws windows of `frames + 1` crops, (T+1, 151, 151, 3) uint8 in B,G,R order."""

    def __init__(self, photos: list[Photo], fps: float, seed: int) -> None:
        self.photos = photos
        self.fps = fps
        self.device = photos[0].rgb.device
        self.rng = np.random.default_rng(seed)

    def pulse(self, n: int) -> tuple[torch.Tensor, float]:
        """A PPG-shaped pulse (systolic peak + dicrotic wave), zero-mean, peak-to-peak 1."""
        r = self.rng
        bpm = r.uniform(*BPM_RANGE)
        t = np.arange(n) / self.fps
        hrv = 1 + r.uniform(0, 0.05) * np.sin(2 * math.pi * 0.25 * t + r.uniform(0, 6.3)) \
            + r.uniform(0, 0.05) * np.sin(2 * math.pi * 0.1 * t + r.uniform(0, 6.3))
        phase = r.uniform() + np.cumsum(bpm / 60 * hrv) / self.fps
        frac = phase % 1
        shape = np.zeros(n)
        for at, width, height in ((0.2, r.uniform(0.06, 0.1), 1.0), (r.uniform(0.42, 0.55), 0.12, r.uniform(0.2, 0.6))):
            d = (frac - at + 1.5) % 1 - 0.5
            shape += height * np.exp(-(d / width) ** 2)
        shape -= shape.mean()
        shape /= max(np.ptp(shape), 1e-6)
        return torch.tensor(shape, dtype=torch.float32, device=self.device), float(bpm * hrv.mean())

    def smooth_wander(self, n: int, amplitude: float, hz: tuple[float, float]) -> np.ndarray:
        """Sum of two random sinusoids: slow, smooth, non-periodic-looking over a window."""
        t = np.arange(n) / self.fps
        r = self.rng
        return amplitude * sum(r.uniform(-1, 1) * np.sin(2 * math.pi * r.uniform(*hz) * t + r.uniform(0, 6.3)) for _ in range(2)) / 2

    def grids(self, n: int, photo: Photo) -> torch.Tensor:
        """Per-frame sampling grids: a clip-fixed crop around the face, the head moving inside it."""
        r = self.rng
        cx, cy, hw, hh = photo.crop
        scale = r.uniform(0.9, 1.12)  # the detector's box differs a little from clip to clip
        hw, hh = hw * scale, hh * scale
        cx += r.uniform(-0.06, 0.06) * hw
        cy += r.uniform(-0.06, 0.06) * hh
        half = (hw + hh) / 2
        strong = r.uniform() < 0.5
        dx = self.smooth_wander(n, half * (0.08 if strong else 0.02), (0.03, 0.2)) \
            + self.smooth_wander(n, half * (0.015 if strong else 0.003), (0.3, 1.5))
        dy = self.smooth_wander(n, half * (0.06 if strong else 0.015), (0.03, 0.2))
        roll = self.smooth_wander(n, math.radians(4 if strong else 1), (0.03, 0.3))
        zoom = 1 + self.smooth_wander(n, 0.04 if strong else 0.01, (0.03, 0.2))
        theta = np.zeros((n, 2, 3), np.float32)
        cos, sin = np.cos(roll) * zoom, np.sin(roll) * zoom
        theta[:, 0] = np.stack([cos * hw, -sin * hh, cx + dx], 1)
        theta[:, 1] = np.stack([sin * hw, cos * hh, cy + dy], 1)
        return F.affine_grid(torch.from_numpy(theta).to(self.device), [n, 1, OUT_SIZE, OUT_SIZE], align_corners=False)

    @torch.no_grad()
    def window(self, frames: int) -> tuple[torch.Tensor, float]:
        r = self.rng
        n = frames + 1
        photo = self.photos[int(r.integers(len(self.photos)))]
        # Skin tone: darker or lighter, slightly tinted; the pulse is relative to the skin's own colour.
        tone = torch.tensor(r.uniform(0.3, 1.1) * r.uniform(0.9, 1.1, 3), dtype=torch.float32, device=self.device)
        skin = photo.skin
        base = photo.rgb * (1 - skin + skin * tone.view(3, 1, 1))
        blotch = F.interpolate(torch.from_numpy(r.uniform(0.5, 1.5, (1, 1, 6, 6)).astype(np.float32)).to(self.device),
                               size=skin.shape[-2:], mode='bilinear', align_corners=False)[0]
        signature = torch.tensor(np.array(PULSE_RGB) * r.uniform(0.85, 1.15, 3), dtype=torch.float32, device=self.device)
        amplitude = math.exp(r.uniform(math.log(0.002), math.log(0.015)))
        pulse_map = base * skin * blotch * signature.view(3, 1, 1) * amplitude
        pulse, bpm = self.pulse(n)
        sources = torch.cat([base, pulse_map])[None].expand(n, 6, *skin.shape[-2:])
        warped = F.grid_sample(sources, self.grids(n, photo), mode='bilinear', padding_mode='border', align_corners=False)
        light = 1 + self.smooth_wander(n, r.uniform(0, 0.06), (0.01, 0.1))
        if r.uniform() < 0.1:  # a lamp's slow flicker, colour-neutral and weaker than the pulse
            light = light + amplitude * r.uniform(0.1, 0.7) * np.sin(2 * math.pi * r.uniform(0.3, 4) * np.arange(n) / self.fps)
        gains = torch.tensor(r.uniform(0.6, 1.2) * r.uniform(0.88, 1.12, 3), dtype=torch.float32, device=self.device)
        light_t = torch.tensor(light, dtype=torch.float32, device=self.device).view(n, 1, 1, 1)
        video = (warped[:, :3] + pulse.view(n, 1, 1, 1) * warped[:, 3:]) * light_t * gains.view(1, 3, 1, 1)
        video = video + torch.randn(video.shape, device=self.device) * r.uniform(0.3, 3.0)
        video = video.round().clamp(0, 255).to(torch.uint8)
        return video.flip(1).permute(0, 2, 3, 1).contiguous(), bpm  # RGB → BGR, (T+1, H, W, 3)
