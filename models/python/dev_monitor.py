"""Report-only monitor on ../shared/clips/synthetic-dev: the teacher's clip HRs against the manifest (never a loss, never a stop).

Each clip is decoded once with ffmpeg, cropped by the SSPD crop rule around the face of its first frame
(found by matching the manifest's photo; else the largest skin region: a fixed crop, no face tracker here,
unlike the app), area-resized to 128×128 and
differenced. The network reads 10 s windows every 5 s, raw and after the app's input low-pass
(6th-order Butterworth at 3.8 Hz, causal, from rest: main/inference/input-filter.ts); a clip's HR is
the median of its windows' spectral peaks. Numbers are MAE by difficulty and, for no-pulse clips, the
median SNR at the network's own peak.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import csv
import glob
import json
import os
import subprocess

import numpy as np
import torch
from torch.nn import functional as F

from hr_monitor import snr_db, spectral_bpm
from sspd_model import INPUT_SIZE, SSPD
from synthetic_faces import Photo, skin_box, skin_mask, sspd_crop

WINDOW, HOP = 300, 150
LOWPASS = (6, 3.8)  # order, Hz at 30 fps


def probe_size(path: str, ffmpeg: str) -> tuple[int, int]:
    """Width and height of a video's first frame, through a one-frame PPM decode."""
    out = subprocess.run([ffmpeg, '-hide_banner', '-loglevel', 'error', '-i', path, '-frames:v', '1', '-f', 'image2pipe',
                          '-c:v', 'ppm', 'pipe:1'], stdout=subprocess.PIPE, check=True).stdout
    _, w, h = out.split(maxsplit=3)[:3]
    return int(w), int(h)


def face_box(rgb: torch.Tensor) -> tuple[float, float, float, float]:
    """The largest connected skin region of a (3, H, W) frame as x, y, w, h (the face, with some neck)."""
    skin = skin_mask(rgb)
    try:
        from scipy import ndimage
    except ImportError:
        return skin_box(skin)
    labels, count = ndimage.label((skin[0] > 0.5).cpu().numpy())
    if count == 0:
        return skin_box(skin)
    largest = 1 + int(np.argmax(ndimage.sum(np.ones_like(labels), labels, range(1, count + 1))))
    ys, xs = np.nonzero(labels == largest)
    return float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1), float(ys.max() - ys.min() + 1)


def locate_face(frame: torch.Tensor, photo: Photo, scales: np.ndarray = np.geomspace(0.5, 3.0, 41)) -> tuple[float, float, float, float]:
    """Face box of `photo` in a (3, H, W) frame that shows it scaled and shifted: the best normalised
    cross-correlation of the photo's face region over scales, at a quarter of the resolution."""
    def gray(rgb: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
        return F.interpolate(rgb.mean(0)[None, None], size=size, mode='area')
    bx, by, bw, bh = photo.box
    region = photo.rgb[:, int(by):int(by + bh), int(bx):int(bx + bw)]
    image = gray(frame.to(photo.rgb.device), (frame.shape[1] // 4, frame.shape[2] // 4))
    best = (-2.0, 0.0, 0.0, 0.0, 0.0)
    for s in scales:
        th, tw = int(round(bh * s / 4)), int(round(bw * s / 4))
        if th < 8 or tw < 8 or th >= image.shape[2] or tw >= image.shape[3]:
            continue
        t = gray(region, (th, tw))
        t = (t - t.mean()) / (t - t.mean()).norm().clamp(min=1e-6)
        ones = torch.ones_like(t)
        local_sum, local_sq = F.conv2d(image, ones), F.conv2d(image ** 2, ones)
        energy = (local_sq - local_sum ** 2 / t.numel()).clamp(min=1e-6).sqrt()
        ncc = F.conv2d(image, t) / energy
        score = float(ncc.max())
        if score > best[0]:
            y, x = divmod(int(ncc.flatten().argmax()), ncc.shape[-1])
            best = (score, x * 4.0, y * 4.0, tw * 4.0, th * 4.0)
    return best[1:]


def decode_crops(path: str, ffmpeg: str, max_frames: int | None = None, photo: Photo | None = None) -> np.ndarray:
    """(T, 3, 128, 128) uint8 B,G,R face crops of a clip (the face found by its photo where given)."""
    w, h = probe_size(path, ffmpeg)
    cmd = [ffmpeg, '-hide_banner', '-loglevel', 'error', '-i', path, '-vsync', '0']
    if max_frames:
        cmd += ['-frames:v', str(max_frames)]
    raw = subprocess.run(cmd + ['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], stdout=subprocess.PIPE, check=True).stdout
    video = torch.from_numpy(np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).copy())
    first = video[:30].float().mean(0).permute(2, 0, 1)
    cx, cy, hw, hh = sspd_crop(locate_face(first, photo) if photo else face_box(first), w, h)
    x0, x1 = int(round((cx - hw + 1) / 2 * w)), int(round((cx + hw + 1) / 2 * w))
    y0, y1 = int(round((cy - hh + 1) / 2 * h)), int(round((cy + hh + 1) / 2 * h))
    crops = []
    for chunk in video.split(100):
        part = chunk[:, y0:y1, x0:x1].permute(0, 3, 1, 2).float().flip(1)  # RGB → BGR
        crops.append(F.interpolate(part, size=(INPUT_SIZE, INPUT_SIZE), mode='area').round().to(torch.uint8))
    return torch.cat(crops).numpy()


def lowpass(diffs: np.ndarray, fps: float) -> np.ndarray | None:
    try:
        from scipy.signal import butter, sosfilt
    except ImportError:
        return None
    sos = butter(LOWPASS[0], LOWPASS[1], fs=fps, output='sos')
    return sosfilt(sos, diffs, axis=0).astype(np.float16)


class DevMonitor:
    def __init__(self, folder: str, ffmpeg: str, fps: float = 30.0, limit: int | None = None, max_frames: int | None = None,
                 photos: dict[str, Photo] | None = None, workers: int = 4) -> None:
        self.fps = fps
        photos = photos or {}
        self.clips: list[dict] = []
        rows = []
        for manifest in sorted(glob.glob(os.path.join(folder, 'manifest.csv')) + glob.glob(os.path.join(folder, '*', 'manifest.csv'))):
            with open(manifest) as f:
                rows += [(os.path.dirname(manifest), row) for row in list(csv.DictReader(f))[:limit]]

        def load(item: tuple[str, dict]) -> dict:
            where, row = item
            crops = decode_crops(os.path.join(where, row['file']), ffmpeg, max_frames, photos.get(row.get('face', '')))
            diffs = np.diff(crops.astype(np.float32), axis=0)  # T-1, 3, 128, 128
            return {'file': row['file'], 'difficulty': row['difficulty'],
                    'truth': float(row['mean_hr_bpm']) if row['mean_hr_bpm'] else None,
                    'raw': diffs.astype(np.float16), 'lowpass': lowpass(diffs, fps)}
        with cf.ThreadPoolExecutor(workers) as pool:  # ffmpeg and scipy run outside the GIL
            self.clips: list[dict] = list(pool.map(load, rows))
        if not self.clips:
            raise SystemExit(f'no clips under {folder} (manifest.csv)')

    def read_clip(self, model: SSPD, diffs: np.ndarray, device: torch.device,
                  amp: contextlib.AbstractContextManager) -> tuple[float, float]:
        bpms, snrs = [], []
        length = min(WINDOW, len(diffs) // 2 * 2)
        for start in range(0, len(diffs) - length + 1, HOP):
            x = torch.from_numpy(diffs[start:start + length].astype(np.float32)).to(device).permute(1, 0, 2, 3)[None]
            with amp:
                wave = model(x).float()[0].cpu().numpy()
            bpm = spectral_bpm(wave, self.fps)
            bpms.append(bpm)
            snrs.append(snr_db(wave, self.fps, bpm))
        return float(np.median(bpms)), float(np.median(snrs))

    @torch.no_grad()
    def evaluate(self, model: SSPD, amp: contextlib.AbstractContextManager = contextlib.nullcontext(),
                 detail_path: str | None = None) -> dict[str, float]:
        device = next(model.parameters()).device
        out: dict[str, float] = {}
        details = []
        for form in ('lowpass', 'raw'):
            errors: dict[str, list[float]] = {}
            nopulse = []
            for clip in self.clips:
                if clip[form] is None:
                    continue
                bpm, snr = self.read_clip(model, clip[form], device, amp)
                details.append({'form': form, 'file': clip['file'], 'truth': clip['truth'], 'bpm': round(bpm, 2), 'snr_db': round(snr, 2)})
                if clip['truth'] is None:
                    nopulse.append(snr)
                    continue
                for key in ('all', clip['difficulty']):
                    errors.setdefault(key, []).append(abs(bpm - clip['truth']))
            prefix = 'dev_' if form == 'lowpass' else 'dev_raw_'
            for key, e in sorted(errors.items()):
                out[f'{prefix}{key}_mae_bpm'] = round(float(np.mean(e)), 2)
            if 'all' in errors:
                out[f'{prefix}within3'] = round(float((np.array(errors['all']) <= 3).mean()), 3)
            if nopulse:
                out[f'{prefix}nopulse_snr_db'] = round(float(np.median(nopulse)), 2)
        if detail_path:
            with open(detail_path, 'a') as f:
                f.write(json.dumps(details) + '\n')
        return out
