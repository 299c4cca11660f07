"""Times the PyTorch SSPD reference on one window, on request, for bench/inference.ts.

Usage: /usr/bin/python3 models/python/bench_torch.py --steps 299 --threads 2 [--checkpoint ck.pth]
       [--fixture-frames parity-frames.u8.gz]
Prints "ready", then for every line "run" on stdin runs one window and prints {"s": seconds}; the
bench interleaves these with ORT runs so both meet the same load on shared cores. With
--fixture-frames the window is the parity clip played forwards and backwards (real-looking
differences), otherwise Gaussian noise.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sspd_model import SSPD, load_checkpoint  # noqa: E402


def ping_pong(path: str, count: int) -> torch.Tensor:
    """Frames 0…n−1, n−2…1, 0… of a (n,128,128,3) uint8 clip → (1,3,count−1,128,128) differences."""
    with gzip.open(path) as f:
        frames = np.frombuffer(f.read(), np.uint8).reshape(-1, 128, 128, 3).astype(np.float32)
    period = 2 * (len(frames) - 1)
    index = [k % period if k % period < len(frames) else period - k % period for k in range(count)]
    clip = frames[index]
    return torch.from_numpy(clip[1:] - clip[:-1]).permute(3, 0, 1, 2).unsqueeze(0).contiguous()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=299)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--checkpoint')
    ap.add_argument('--fixture-frames')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SSPD()
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint)
    model.eval()
    x = ping_pong(args.fixture_frames, args.steps + 1) if args.fixture_frames else torch.randn(1, 3, args.steps, 128, 128) * 8
    print('ready', flush=True)
    with torch.no_grad():
        for line in sys.stdin:
            if line.strip() != 'run':
                continue
            start = time.perf_counter()
            model(x)
            print(json.dumps({'s': time.perf_counter() - start}), flush=True)

if __name__ == '__main__':
    main()
