"""Fills models/.gpu-carry (git-ignored) with what a GPU training session needs and its machine lacks: faces, dev clips, a static ffmpeg.

Usage (here, before the device call; then carry models/.gpu-carry):
  /usr/bin/python3 models/python/gpu_carry.py [--shared ../shared] [--ffmpeg PATH] [--budget-mib 64]
The device machine receives a copy of the working tree (tracked files and carried paths, 64 MiB in
all) and has no internet, so ../shared does not reach it: the two face photos are copied, the
static ffmpeg of @ffmpeg-installer is xz-compressed (68 → 16 MB; gpu_session.sh unpacks it with
Python's lzma), and as many synthetic-dev clips as the remaining budget allows are copied, taken
round-robin over easy/medium/hard/no-pulse, with their manifests cut to match.
"""
from __future__ import annotations

import argparse
import csv
import lzma
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
CARRY = os.path.join(ROOT, 'models', '.gpu-carry')
NPM_FFMPEG = os.path.join('node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg')
MARGIN = 2 << 20


def is_static_elf(path: str) -> bool:
    """An x86-64 ELF without a program interpreter (runs on a machine without our shared libraries)."""
    with open(path, 'rb') as f:
        head = f.read(64)
        if head[:4] != b'\x7fELF' or head[4] != 2 or struct.unpack_from('<H', head, 18)[0] != 62:
            return False
        phoff, = struct.unpack_from('<Q', head, 32)
        phentsize, phnum = struct.unpack_from('<HH', head, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            if struct.unpack('<I', f.read(4))[0] == 3:  # PT_INTERP
                return False
    return True


def tracked_bytes() -> int:
    files = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, stdout=subprocess.PIPE, check=True).stdout.split(b'\0')
    return sum(os.path.getsize(os.path.join(ROOT, f.decode())) for f in files if f and os.path.isfile(os.path.join(ROOT, f.decode())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--shared', default=os.path.join(ROOT, '..', 'shared'))
    ap.add_argument('--ffmpeg', help='a statically linked x86-64 ffmpeg (default: node_modules/@ffmpeg-installer here or in ../main)')
    ap.add_argument('--budget-mib', type=float, default=64)
    args = ap.parse_args()
    shutil.rmtree(CARRY, ignore_errors=True)
    os.makedirs(os.path.join(CARRY, 'faces'))
    for name in sorted(os.listdir(os.path.join(args.shared, 'faces'))):
        if name.lower().endswith(('.png', '.jpg')):
            shutil.copy(os.path.join(args.shared, 'faces', name), os.path.join(CARRY, 'faces', name))
    candidates = [args.ffmpeg] if args.ffmpeg else [os.path.join(ROOT, NPM_FFMPEG), os.path.join(ROOT, '..', 'main', NPM_FFMPEG)]
    ffmpeg = next((c for c in candidates if c and os.path.isfile(c) and is_static_elf(c)), None)
    if ffmpeg:
        with open(ffmpeg, 'rb') as src, lzma.open(os.path.join(CARRY, 'ffmpeg.xz'), 'wb', preset=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    else:
        print('WARNING: no static x86-64 ffmpeg found (--ffmpeg): the GPU run has compression only if its machine has ffmpeg', file=sys.stderr)

    def used() -> int:
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(CARRY) for f in fs)
    checkpoint = os.path.join(ROOT, 'models', 'checkpoints', 'latest.pth')
    untracked_checkpoint = os.path.getsize(checkpoint) if os.path.exists(checkpoint) and subprocess.run(
        ['git', 'ls-files', '--error-unmatch', checkpoint], cwd=ROOT, capture_output=True).returncode else 0
    left = int(args.budget_mib * (1 << 20)) - tracked_bytes() - untracked_checkpoint - used() - MARGIN
    dev = os.path.join(args.shared, 'clips', 'synthetic-dev')
    queues: dict[str, list[tuple[str, dict]]] = {}
    for sub in ('', 'no-pulse'):
        with open(os.path.join(dev, sub, 'manifest.csv')) as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames
            for row in reader:
                queues.setdefault(row['difficulty'], []).append((sub, row))
    chosen: dict[str, list[dict]] = {'': [], 'no-pulse': []}
    while any(queues.values()):
        for kind in sorted(queues):
            if queues[kind]:
                sub, row = queues[kind].pop(0)
                size = os.path.getsize(os.path.join(dev, sub, row['file']))
                if size <= left:
                    left -= size
                    chosen[sub].append(row)
    for sub, rows in chosen.items():
        os.makedirs(os.path.join(CARRY, 'synthetic-dev', sub), exist_ok=True)
        with open(os.path.join(CARRY, 'synthetic-dev', sub, 'manifest.csv'), 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                shutil.copy(os.path.join(dev, sub, row['file']), os.path.join(CARRY, 'synthetic-dev', sub, row['file']))
    print(f'{CARRY}: {used() / (1 << 20):.1f} MiB (faces, ffmpeg.xz: {"yes" if ffmpeg else "no"}, dev clips: '
          f'{len(chosen[""])} + {len(chosen["no-pulse"])} no-pulse); tracked files {tracked_bytes() / (1 << 20):.1f} MiB')


if __name__ == '__main__':
    main()
