"""Pulsing-face training windows rendered on the fly from photos under drawn recording conditions (CPU or GPU).

Each window is drawn from its own random generator (`window(frames, rng, condition)`), so a stream
of windows is a pure function of (seed, step, index) and a resumed run sees the same data. A window:
a public-domain face photo varied (mirrored, locally warped, hair recoloured, background replaced),
its skin (YCbCr rule of Chai & Ngan) recoloured to a Fitzpatrick I–VI tone, pulsing along the blood-
volume colour signature (skin dims by amplitude × (0.33, 0.77, 0.53) in R, G, B as blood volume
rises) at a random HR with slow HR variability, or not at all (negative windows); head motion and
camera shake inside a crop fixed per clip (the app's crop rule), light drift, gradients and aliased
mains flicker with rolling-shutter bands (synthetic_conditions.py), camera gains, read and shot
noise, 8-bit rounding and, for a share of windows, a real H.264 or MJPEG round trip (video_codec.py) at
the crop's camera resolution before the area-resize to 151. The true HR goes to the monitor only.
"""
from __future__ import annotations

import glob
import json
import math
import os
import re
import subprocess
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch.nn import functional as F

import video_codec
import synthetic_conditions as sc

OUT_SIZE = 151
PULSE_RGB = (0.33, 0.77, 0.53)  # how much each of R, G, B dims per unit of blood volume × amplitude
BPM_RANGE = (42.0, 180.0)
# Mean skin colour (sRGB, lit like the photos) per Fitzpatrick type I–VI: approximate reflectance-
# chart values, our choice; each window jitters them ±8 % per channel.
FITZPATRICK_RGB = {1: (240, 205, 185), 2: (225, 180, 150), 3: (200, 155, 120), 4: (165, 115, 85),
                   5: (120, 80, 58), 6: (75, 50, 38)}
HAIR_RGB = ((25, 20, 18), (60, 40, 28), (110, 75, 45), (190, 160, 110), (150, 150, 150), (150, 70, 35))
FACE_BOXES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'face_boxes.json')


@dataclass
class Photo:
    rgb: torch.Tensor    # (3, H, W) float 0–255
    skin: torch.Tensor   # (1, H, W) soft mask 0–1
    box: tuple[float, float, float, float]  # face box x, y, w, h in pixels (brow to chin)
    name: str = ''       # file name


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


def read_image(path: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB through Pillow, OpenCV or ffmpeg, whichever is there."""
    try:
        from PIL import Image
        return np.asarray(Image.open(path).convert('RGB'))
    except ImportError:
        pass
    try:
        import cv2
        return cv2.imread(path, cv2.IMREAD_COLOR)[..., ::-1].copy()
    except ImportError:
        return read_image_ffmpeg(path)


def read_image_ffmpeg(path: str) -> np.ndarray:
    """Decodes an image to binary PPM with ffmpeg (Debian's torch Python has neither Pillow nor OpenCV)."""
    ffmpeg = video_codec.find_ffmpeg()
    if not ffmpeg:
        raise SystemExit(f'cannot read {path}: no Pillow, OpenCV or ffmpeg')
    ppm = subprocess.run([ffmpeg, '-hide_banner', '-loglevel', 'error', '-i', path, '-frames:v', '1', '-f', 'image2pipe',
                          '-c:v', 'ppm', '-pix_fmt', 'rgb24', 'pipe:1'], stdout=subprocess.PIPE, check=True).stdout
    head = re.match(rb'P6\s+(\d+)\s+(\d+)\s+255\s', ppm)
    if not head:
        raise ValueError(f'unexpected PPM from ffmpeg for {path}')
    width, height = int(head.group(1)), int(head.group(2))
    return np.frombuffer(ppm[head.end():head.end() + width * height * 3], np.uint8).reshape(height, width, 3)


def load_photos(folder: str, device: torch.device) -> list[Photo]:
    with open(FACE_BOXES) as f:
        boxes = json.load(f)
    photos = []
    for path in sorted(glob.glob(os.path.join(folder, '*.png')) + glob.glob(os.path.join(folder, '*.jpg'))):
        rgb = torch.from_numpy(read_image(path).astype(np.float32)).permute(2, 0, 1).to(device)
        skin = skin_mask(rgb)
        photos.append(Photo(rgb, skin, tuple(boxes.get(os.path.basename(path)) or skin_box(skin)), os.path.basename(path)))
    if not photos:
        raise SystemExit(f'no .png/.jpg face photos in {folder}')
    return photos


def smooth_field(rng: np.random.Generator, channels: int, cells: int, shape: tuple[int, int], device: torch.device) -> torch.Tensor:
    """(channels, H, W) smooth random field, values −1…1, from a cells × cells grid."""
    grid = torch.from_numpy(rng.uniform(-1, 1, (1, channels, cells, cells)).astype(np.float32)).to(device)
    return F.interpolate(grid, size=shape, mode='bicubic', align_corners=True)[0].clamp(-1, 1)


def vary_face(photo: Photo, c: sc.Conditions, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor, tuple]:
    """The photo as this window's subject: skin tone, hair, background, local warp, mirror."""
    rgb, skin, (bx, by, bw, bh) = photo.rgb, photo.skin, photo.box
    dev, (h, w) = rgb.device, rgb.shape[-2:]
    ys = torch.arange(h, device=dev, dtype=torch.float32).view(h, 1)
    xs = torch.arange(w, device=dev, dtype=torch.float32).view(1, w)
    # Skin recoloured to the type's mean colour, its texture kept.
    core = (skin > 0.9).float()  # soft edges would pull the mean toward the surroundings
    mean = (rgb * core).sum((1, 2)) / core.sum().clamp(min=1)
    target = torch.tensor(FITZPATRICK_RGB[c.fitzpatrick], dtype=torch.float32, device=dev) * torch.tensor(
        rng.uniform(0.92, 1.08, 3), dtype=torch.float32, device=dev)
    rgb = rgb * (1 - skin + skin * (target / mean.clamp(min=1)).view(3, 1, 1))
    luma = rgb.mean(0, keepdim=True)
    if c.hair:  # non-skin above and around the brow
        box = ((xs > bx - 0.2 * bw) & (xs < bx + 1.2 * bw) & (ys > by - 0.8 * bh) & (ys < by + 0.4 * bh)).float()
        region = (1 - skin) * box[None]
        colour = torch.tensor(HAIR_RGB[int(rng.integers(len(HAIR_RGB)))], dtype=torch.float32, device=dev) * rng.uniform(0.7, 1.3)
        texture = luma / ((luma * region).sum() / region.sum().clamp(min=1)).clamp(min=1)
        rgb = rgb * (1 - region) + region * (texture * colour.view(3, 1, 1)).clamp(0, 255)
    if c.background:  # outside an ellipse around the face, where there is no skin
        d = ((xs - bx - bw / 2) / (0.9 * bw)) ** 2 + ((ys - by - bh / 2) / (1.2 * bh)) ** 2
        region = (1 - skin) * (d - 1).clamp(0, 0.5)[None] * 2
        base = torch.tensor(rng.uniform(20, 235, 3), dtype=torch.float32, device=dev).view(3, 1, 1)
        texture = base + rng.uniform(5, 60) * smooth_field(rng, 3, int(rng.integers(2, 16)), (h, w), dev)
        if rng.uniform() < 0.4:  # stripes: shelves, blinds, tiles
            angle, period = rng.uniform(0, math.pi), rng.uniform(8, 60)
            texture = texture + rng.uniform(5, 40) * torch.sin(2 * math.pi * (xs * math.cos(angle) + ys * math.sin(angle)) / period)
        rgb = rgb * (1 - region) + region * texture.clamp(0, 255)
    if c.warp > 0:
        identity = torch.stack(torch.meshgrid(torch.linspace(-1, 1, h, device=dev), torch.linspace(-1, 1, w, device=dev), indexing='ij')[::-1], -1)
        grid = identity + c.warp * 2 * smooth_field(rng, 2, 6, (h, w), dev).permute(1, 2, 0)
        both = F.grid_sample(torch.cat([rgb, skin])[None], grid[None], mode='bilinear', padding_mode='border', align_corners=True)[0]
        rgb, skin = both[:3], both[3:]
    if c.mirror:
        rgb, skin, bx = rgb.flip(-1), skin.flip(-1), w - bx - bw
    return rgb, skin, sspd_crop((bx, by, bw, bh), w, h)


def pulse_wave(rng: np.random.Generator, n: int, fps: float) -> tuple[np.ndarray, float]:
    """A PPG-shaped blood-volume wave (systolic peak + dicrotic wave), zero-mean, peak-to-peak 1."""
    bpm = rng.uniform(*BPM_RANGE)
    t = np.arange(n) / fps
    hrv = 1 + rng.uniform(0, 0.05) * np.sin(2 * math.pi * 0.25 * t + rng.uniform(0, 6.3)) \
        + rng.uniform(0, 0.05) * np.sin(2 * math.pi * 0.1 * t + rng.uniform(0, 6.3))
    frac = (rng.uniform() + np.cumsum(bpm / 60 * hrv) / fps) % 1
    shape = np.zeros(n)
    for at, width, height in ((0.2, rng.uniform(0.06, 0.1), 1.0), (rng.uniform(0.42, 0.55), 0.12, rng.uniform(0.2, 0.6))):
        d = (frac - at + 1.5) % 1 - 0.5
        shape += height * np.exp(-(d / width) ** 2)
    shape -= shape.mean()
    return shape / max(np.ptp(shape), 1e-6), float(bpm * hrv.mean())


class FaceSynth:
    """Windows of `frames + 1` crops, (T+1, 151, 151, 3) uint8 in B,G,R order, and what was drawn."""

    def __init__(self, photos: list[Photo], fps: float = 30.0, ffmpeg: str | None = None,
                 compress_share: float = 0.4, nopulse_share: float = 0.1) -> None:
        self.photos = photos
        self.fps = fps
        self.device = photos[0].rgb.device
        self.ffmpeg = ffmpeg
        self.compress_share = compress_share if ffmpeg else 0.0
        self.nopulse_share = nopulse_share

    def grids(self, n: int, size: int, crop: tuple, c: sc.Conditions, rng: np.random.Generator) -> torch.Tensor:
        """Per-frame sampling grids: a clip-fixed crop around the face, the head and camera moving inside it."""
        cx, cy, hw, hh = crop
        scale = rng.uniform(0.9, 1.12)  # the detector's box differs a little from clip to clip
        hw, hh = hw * scale, hh * scale
        cx += rng.uniform(-0.06, 0.06) * hw
        cy += rng.uniform(-0.06, 0.06) * hh
        dx, dy, roll, zoom = sc.motion(c, rng, n, self.fps)
        theta = np.zeros((n, 2, 3), np.float32)
        cos, sin = np.cos(roll) / zoom, np.sin(roll) / zoom
        theta[:, 0] = np.stack([cos * hw, -sin * hh, cx + dx * 2 * hw], 1)
        theta[:, 1] = np.stack([sin * hw, cos * hh, cy + dy * 2 * hh], 1)
        return F.affine_grid(torch.from_numpy(theta).to(self.device), [n, 1, size, size], align_corners=False)

    @torch.no_grad()
    def window(self, frames: int, rng: np.random.Generator, condition: str | None = None,
               overrides: dict | None = None) -> tuple[torch.Tensor, dict]:
        """A window and what was drawn for it; `overrides` replaces drawn conditions (same draws otherwise)."""
        n = frames + 1
        c = sc.draw(rng, condition, self.compress_share, self.nopulse_share)
        c = replace(c, **overrides) if overrides else c
        photo = self.photos[int(rng.integers(len(self.photos)))]
        base, skin, crop = vary_face(photo, c, rng)
        blotch = 1 + 0.5 * smooth_field(rng, 1, 6, skin.shape[-2:], self.device)
        signature = torch.tensor(np.array(PULSE_RGB) * rng.uniform(0.85, 1.15, 3), dtype=torch.float32, device=self.device)
        pulse_map = base * skin * blotch * signature.view(3, 1, 1) * c.amplitude
        wave, bpm = pulse_wave(rng, n, self.fps)
        if not c.pulse:
            wave, bpm = np.zeros(n), float('nan')
        settings = None
        if c.codec and self.ffmpeg:
            settings = video_codec.draw_settings(rng, c.codec, c.crf)
        # Compressed windows are rendered at the crop's camera resolution, where the codec works.
        size = int(round(c.crop_px / 2)) * 2 if settings else OUT_SIZE
        sources = torch.cat([base, pulse_map])[None].expand(n, 6, *skin.shape[-2:])
        warped = F.grid_sample(sources, self.grids(n, size, crop, c, rng), mode='bilinear', padding_mode='border', align_corners=False)
        gains = torch.tensor(rng.uniform(0.6, 1.2) * rng.uniform(0.88, 1.12, 3), dtype=torch.float32, device=self.device)
        wave_t = torch.tensor(wave, dtype=torch.float32, device=self.device).view(n, 1, 1, 1)
        video = (warped[:, :3] - wave_t * warped[:, 3:]) * sc.light(c, rng, n, size, self.fps, self.device) * gains.view(1, 3, 1, 1)
        g = torch.Generator(self.device).manual_seed(int(rng.integers(2**62)))
        noise = torch.randn(video.shape, generator=g, device=self.device)
        video = video + noise * (c.noise ** 2 + c.shot * video.clamp(min=0)).sqrt()
        video = video.round().clamp(0, 255)
        if settings:
            rgb = video.to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
            video = torch.from_numpy(video_codec.roundtrip(rgb, settings, self.ffmpeg)).to(self.device).permute(0, 3, 1, 2).float()
            video = F.interpolate(video, size=(OUT_SIZE, OUT_SIZE), mode='area').round()
        meta = {'condition': c.name, 'bpm': bpm, 'pulse': c.pulse, 'fitzpatrick': c.fitzpatrick,
                'amplitude': c.amplitude, 'codec': settings.codec if settings else None,
                'quality': settings.quality if settings else None,
                'flicker_hz': sc.alias_hz(c, self.fps) if c.flicker > 0 else None, 'conditions': asdict(c)}
        return video.to(torch.uint8).flip(1).permute(0, 2, 3, 1).contiguous(), meta  # RGB → BGR, (T+1, H, W, 3)
