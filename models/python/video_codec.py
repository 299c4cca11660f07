"""Real H.264 / MJPEG compression of rendered windows: an encode and decode through ffmpeg (subprocess).

The codec is the real one (libx264 or ffmpeg's MJPEG encoder), not a surrogate: at rPPG pulse
depths of 0.3–1 % x264 removes much of the pulse, which is what the network has to learn to live
with. Single-threaded encodes, so a window's bytes depend only on its pixels and settings (the
training loop runs several windows' encodes in parallel instead).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np

# Where to look for ffmpeg when no path is given: $FFMPEG, the PATH, the npm package the app bundles.
NPM_FFMPEG = os.path.join('node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg')
X264_PRESETS = ('veryfast', 'faster', 'medium')
FPS = 30


@dataclass(frozen=True)
class CodecSettings:
    codec: str        # 'h264' or 'mjpeg'
    quality: int      # crf (h264, 18–30 here) or qscale (mjpeg, 2–12)
    preset: str = 'veryfast'
    gop: int = 250    # keyframe interval (h264)


def find_ffmpeg(explicit: str | None = None, root: str | None = None) -> str | None:
    """The ffmpeg to use: the explicit path, $FFMPEG, the PATH, then node_modules under `root`."""
    for candidate in (explicit, os.environ.get('FFMPEG')):
        if candidate:
            if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
                raise FileNotFoundError(f'ffmpeg not found or not executable: {candidate}')
            return candidate
    on_path = shutil.which('ffmpeg')
    if on_path:
        return on_path
    root = root or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    bundled = os.path.join(root, NPM_FFMPEG)
    return bundled if os.path.isfile(bundled) and os.access(bundled, os.X_OK) else None


def version(ffmpeg: str | None) -> str | None:
    """ffmpeg's first -version line: encoders of other builds give other bytes for the same window."""
    if not ffmpeg:
        return None
    out = subprocess.run([ffmpeg, '-hide_banner', '-version'], stdout=subprocess.PIPE, check=False).stdout
    return out.decode(errors='replace').splitlines()[0] if out else None


def draw_settings(rng: np.random.Generator, codec: str, crf: tuple[int, int] = (18, 30)) -> CodecSettings:
    """A webcam-like MJPEG stream (qscale 2–12) or an H.264 file of random crf, preset and keyframe interval."""
    if codec == 'mjpeg':
        return CodecSettings('mjpeg', int(rng.integers(2, 13)))
    return CodecSettings('h264', int(rng.integers(crf[0], crf[1] + 1)),
                         X264_PRESETS[int(rng.integers(len(X264_PRESETS)))], int(rng.choice([30, 60, 250])))


def _run(cmd: list[str], data: bytes) -> bytes:
    done = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise RuntimeError(f'{cmd[0]} failed ({done.returncode}): {done.stderr.decode(errors="replace")[-600:]}')
    return done.stdout


def encode(frames: np.ndarray, settings: CodecSettings, ffmpeg: str) -> bytes:
    """(N, H, W, 3) uint8 RGB (H, W even) → an elementary H.264 or MJPEG stream."""
    n, h, w, _ = frames.shape
    head = [ffmpeg, '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24',
            '-s', f'{w}x{h}', '-r', str(FPS), '-i', 'pipe:0', '-threads', '1']
    if settings.codec == 'h264':
        tail = ['-c:v', 'libx264', '-preset', settings.preset, '-crf', str(settings.quality),
                '-g', str(settings.gop), '-pix_fmt', 'yuv420p', '-f', 'h264', 'pipe:1']
    elif settings.codec == 'mjpeg':
        tail = ['-c:v', 'mjpeg', '-q:v', str(settings.quality), '-pix_fmt', 'yuvj420p', '-f', 'mjpeg', 'pipe:1']
    else:
        raise ValueError(f'unknown codec {settings.codec}')
    return _run(head + tail, np.ascontiguousarray(frames).tobytes())


def decode(stream: bytes, codec: str, width: int, height: int, ffmpeg: str) -> np.ndarray:
    """An elementary stream → (N, H, W, 3) uint8 RGB."""
    raw = _run([ffmpeg, '-hide_banner', '-loglevel', 'error', '-f', codec, '-i', 'pipe:0',
                '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], stream)
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).copy()


def roundtrip(frames: np.ndarray, settings: CodecSettings, ffmpeg: str) -> np.ndarray:
    """Frames as a viewer of the compressed stream sees them; same count, same size."""
    n, h, w, _ = frames.shape
    out = decode(encode(frames, settings, ffmpeg), settings.codec, w, h, ffmpeg)
    if len(out) != n:
        raise RuntimeError(f'{settings.codec} round trip gave {len(out)} frames for {n}')
    return out
