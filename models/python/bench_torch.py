"""Times the PyTorch SSPD reference on one window, for bench/inference.ts.

Usage: /usr/bin/python3 models/python/bench_torch.py --steps 299 --threads 2 [--checkpoint ck.pth]
Prints one JSON line: {"steps", "threads", "seconds": [...], "median_s"}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sspd_model import SSPD, load_checkpoint  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=299)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=2)
    ap.add_argument('--checkpoint')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SSPD()
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint)
    model.eval()
    # Raw 0–255 differences: the cost does not depend on the values, their scale keeps tanh honest.
    x = torch.randn(1, 3, args.steps, 128, 128) * 8
    times = []
    with torch.no_grad():
        model(x[:, :, :16])  # warm-up: allocator and kernel selection
        for _ in range(args.repeats):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    print(json.dumps({'steps': args.steps, 'threads': args.threads, 'seconds': times,
                      'median_s': statistics.median(times)}))


if __name__ == '__main__':
    main()
