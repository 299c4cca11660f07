"""Unsupervised SSPD training (teacher–student self-similarity distillation), CPU or GPU.

Usage:
  /usr/bin/python3 models/python/train.py --clips DIR --out runs/sspd [--resume]
  /usr/bin/python3 models/python/train.py --faces ../shared/faces --out runs/sspd --device cuda --amp
  /usr/bin/python3 models/python/train.py --synthetic 2 --frames 16 --batch 2 --steps 2 --out /tmp/smoke
Clips: DIR/*.npy, each (T, H, W, 3) uint8 face crops in B,G,R order (the authors' crops are
151×151; other sizes are area-resized to it). --faces renders pulsing-face windows on the fly
from photos (synthetic_faces.py). No labels are read: the true HR of synthetic windows is used
only by the progress monitor (--eval-every). Writes out/checkpoint-last.pth (everything, for
--resume), out/teacher-sspd.pth (inference weights for export.py) and out/metrics.jsonl.
"""
from __future__ import annotations

import argparse
import copy
import glob
import json
import math
import os
import sys
import time
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sspd_model import INPUT_SIZE, SSPD  # noqa: E402
from sspd_training_blocks import SelfSimilarityHead, sspd_losses  # noqa: E402
from hr_monitor import HrMonitor  # noqa: E402

STORED_SIZE = 151
MASK_KEEP = 0.7
MOMENTUM_START = 0.9


def load_clips(folder: str) -> list[torch.Tensor]:
    clips = []
    for path in sorted(glob.glob(os.path.join(folder, '*.npy'))):
        clip = torch.from_numpy(np.load(path, mmap_mode='r')[:].copy())
        if clip.ndim != 4 or clip.shape[-1] != 3 or clip.dtype != torch.uint8:
            raise ValueError(f'{path}: expected (T, H, W, 3) uint8, got {tuple(clip.shape)} {clip.dtype}')
        if clip.shape[1:3] != (STORED_SIZE, STORED_SIZE):
            resized = F.interpolate(clip.permute(0, 3, 1, 2).float(), size=(STORED_SIZE, STORED_SIZE), mode='area')
            clip = resized.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
        clips.append(clip.contiguous())
    if not clips:
        raise SystemExit(f'no .npy clips in {folder}')
    return clips


def synthetic_clips(count: int, frames: int, fps: float, seed: int) -> list[torch.Tensor]:
    """Textured faces whose skin tone pulses at a random 50–150 bpm: for smoke runs only."""
    g = torch.Generator().manual_seed(seed)
    clips = []
    for _ in range(count):
        base = 90 + 60 * torch.rand(1, STORED_SIZE, STORED_SIZE, 3, generator=g)
        hz = (50 + 100 * torch.rand(1, generator=g).item()) / 60
        t = torch.arange(frames).float() / fps
        pulse = torch.sin(2 * math.pi * hz * t).view(-1, 1, 1, 1) * torch.tensor([0.6, 1.5, 0.9])
        clips.append((base + pulse).round().clamp(0, 255).to(torch.uint8))
    return clips


def diffs(frames: torch.Tensor) -> torch.Tensor:
    """(T+1, 3, H, W) float → (3, T, H, W) raw differences."""
    return (frames[1:] - frames[:-1]).permute(1, 0, 2, 3)


def random_flips(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    if torch.rand(1, generator=g).item() < 0.5:
        x = x.flip(-1)
    if torch.rand(1, generator=g).item() < 0.5:
        x = x.flip(-2)
    return x


def two_views(window: torch.Tensor, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Student: random 128 crop, flips, pixel mask; teacher: whole frame area-resized, flips."""
    frames = window.permute(0, 3, 1, 2).float()  # T+1, 3, 151, 151
    top, left = (int(v) for v in torch.randint(0, STORED_SIZE - INPUT_SIZE + 1, (2,), generator=g))
    student = random_flips(diffs(frames[:, :, top:top + INPUT_SIZE, left:left + INPUT_SIZE]), g)
    # Drawn where the frames are (on a GPU, 15 M CPU draws per window would dominate a step),
    # from a generator seeded off `g`, so runs stay reproducible.
    mask_rng = torch.Generator(student.device).manual_seed(int(torch.randint(2**62, (1,), generator=g)))
    keep = (torch.rand(1, *student.shape[1:], generator=mask_rng, device=student.device) < MASK_KEEP).to(student)  # same for B,G,R
    student = student * keep
    teacher = random_flips(diffs(F.interpolate(frames, size=(INPUT_SIZE, INPUT_SIZE), mode='area')), g)
    return student, teacher


# A window source gives `frames + 1` consecutive crops, (T+1, 151, 151, 3) uint8 B,G,R.
WindowSource = Callable[[int, torch.Generator], torch.Tensor]


def clip_windows(clips: list[torch.Tensor], device: torch.device) -> WindowSource:
    def window(frames: int, g: torch.Generator) -> torch.Tensor:
        clip = clips[int(torch.randint(len(clips), (1,), generator=g))]
        if clip.shape[0] < frames + 1:
            raise SystemExit(f'a clip has {clip.shape[0]} frames; --frames {frames} needs {frames + 1}')
        start = int(torch.randint(clip.shape[0] - frames, (1,), generator=g))
        return clip[start:start + frames + 1].to(device)
    return window


def batch(source: WindowSource, size: int, frames: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    students, teachers = [], []
    for _ in range(size):
        s, t = two_views(source(frames, g), g)
        students.append(s)
        teachers.append(t)
    return torch.stack(students), torch.stack(teachers)


def momentum(step: int, total: int) -> float:
    """EMA momentum rising from 0.9 to 1.0 on a cosine over the run."""
    return 1 - (1 - MOMENTUM_START) * (math.cos(math.pi * min(step / max(total, 1), 1.0)) + 1) / 2


@torch.no_grad()
def ema_update(teacher: torch.nn.Module, student: torch.nn.Module, m: float) -> None:
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(m).add_(s.detach(), alpha=1 - m)
    for t, s in zip(teacher.buffers(), student.buffers()):
        t.copy_(s)


def save_atomic(obj: object, path: str) -> None:
    tmp = path + '.partial'
    torch.save(obj, tmp)
    os.replace(tmp, path)  # a crash mid-save never leaves a half-written checkpoint


def pick_device(name: str) -> torch.device:
    if name == 'auto':
        name = 'cuda' if torch.cuda.is_available() else 'cpu'
    return torch.device(name)


def window_source(args: argparse.Namespace, device: torch.device) -> tuple[WindowSource, HrMonitor | None]:
    """The training windows and, for rendered faces, a monitor on held-out windows of known HR."""
    if args.faces:
        from synthetic_faces import FaceSynth, load_photos
        photos = load_photos(args.faces, device)
        synth = FaceSynth(photos, args.fps, args.seed)
        held_out = FaceSynth(photos, args.fps, seed=10_000 + args.seed)
        monitor = HrMonitor([held_out.window(args.eval_frames) for _ in range(args.eval_windows)], args.fps)
        return (lambda frames, _g: synth.window(frames)[0]), monitor
    clips = load_clips(args.clips) if args.clips else synthetic_clips(args.synthetic, args.frames + 8, args.fps, args.seed)
    return clip_windows(clips, device), None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--clips', help='folder of .npy face-crop clips')
    src.add_argument('--faces', help='folder of face photos: render pulsing windows on the fly')
    src.add_argument('--synthetic', type=int, help='number of synthetic clips (smoke runs)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--frames', type=int, default=300, help='T differences per window (even)')
    ap.add_argument('--fps', type=float, default=30.0)
    ap.add_argument('--batch', type=int, default=12)
    ap.add_argument('--epochs', type=int, default=30)
    ap.add_argument('--steps-per-epoch', type=int, default=100)
    ap.add_argument('--steps', type=int, help='stop after this many steps in total (overrides epochs)')
    ap.add_argument('--max-minutes', type=float, help='checkpoint and stop after this long (resume later)')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--device', default='auto', help='auto, cpu or cuda')
    ap.add_argument('--amp', action='store_true', help='bfloat16 autocast for the convolutions (GPU)')
    ap.add_argument('--channels-last', action='store_true', help='channels-last 3D memory layout (GPU convolutions)')
    ap.add_argument('--save-every', type=int, default=50)
    ap.add_argument('--eval-every', type=int, default=100, help='steps between monitor runs (--faces only)')
    ap.add_argument('--eval-windows', type=int, default=24)
    ap.add_argument('--eval-frames', type=int, default=300)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--resume', action='store_true')
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    torch.backends.cudnn.benchmark = device.type == 'cuda'
    torch.backends.cuda.matmul.allow_tf32 = True  # the self-similarity heads' matmuls; cudnn convs use TF32 already
    os.makedirs(args.out, exist_ok=True)

    source, monitor = window_source(args, device)
    total = args.steps if args.steps is not None else args.epochs * args.steps_per_epoch
    layout = torch.channels_last_3d if args.channels_last else torch.contiguous_format
    student, head = SSPD().to(device, memory_format=layout), SelfSimilarityHead().to(device)
    teacher, teacher_head = copy.deepcopy(student).eval(), copy.deepcopy(head).eval()
    for p in (*teacher.parameters(), *teacher_head.parameters()):
        p.requires_grad_(False)
    optimizer = torch.optim.Adam([*student.parameters(), *head.parameters()], lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    step = 0
    last = os.path.join(args.out, 'checkpoint-last.pth')
    if args.resume and os.path.exists(last):
        state = torch.load(last, map_location=device)
        for module, key in ((student, 'student'), (head, 'head'), (teacher, 'teacher'), (teacher_head, 'teacher_head'), (optimizer, 'optimizer')):
            module.load_state_dict(state[key])
        g.set_state(state['rng'].cpu())
        step = state['step']
        print(f'resumed from {last} at step {step}', flush=True)

    def checkpoint() -> None:
        save_atomic({'step': step, 'student': student.state_dict(), 'head': head.state_dict(),
                     'teacher': teacher.state_dict(), 'teacher_head': teacher_head.state_dict(),
                     'optimizer': optimizer.state_dict(), 'rng': g.get_state(), 'args': vars(args)}, last)
        save_atomic({k: v.cpu() for k, v in teacher.state_dict().items()}, os.path.join(args.out, 'teacher-sspd.pth'))

    def log(record: dict[str, object]) -> None:
        with open(os.path.join(args.out, 'metrics.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')

    amp = torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.amp)
    student.train()
    head.train()
    terms: dict[str, float] = {}
    started = time.time()
    first = step
    while step < total:
        x_student, x_teacher = (x.contiguous(memory_format=layout) for x in batch(source, args.batch, args.frames, g))
        with amp:
            features = student.features(x_student)
            maps = head(student.pooled(features))
            # Detached: the backbone learns only from the self-similarity maps, the predictor
            # only from the waveform distillation.
            wave = student.predictor(features.detach())
            with torch.no_grad():
                t_features = teacher.features(x_teacher)
                t_maps = teacher_head(teacher.pooled(t_features))
                t_wave = teacher.predictor(t_features)
        losses = sspd_losses([m.float() for m in maps], [m.float() for m in t_maps], wave.float(), t_wave.float(), args.fps)
        loss = sum(losses.values())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        m = momentum(step, total)
        ema_update(teacher, student, m)
        ema_update(teacher_head, head, m)
        step += 1
        terms = {k: float(v) for k, v in losses.items()} | {'total': float(loss)}
        elapsed = time.time() - started
        per_step = elapsed / (step - first)
        print(f'step {step}/{total} epoch {step // args.steps_per_epoch + 1} loss {terms["total"]:.4f} '
              + ' '.join(f'{k} {v:.4f}' for k, v in losses.items())
              + f' momentum {m:.4f} {per_step:.2f}s/step eta {per_step * (total - step) / 60:.1f} min', flush=True)
        out_of_time = args.max_minutes is not None and elapsed + per_step > args.max_minutes * 60
        record: dict[str, object] = {'step': step, 'seconds': round(elapsed, 1), **terms}
        if monitor and (step % args.eval_every == 0 or step == total or out_of_time):
            record |= monitor.evaluate(teacher, amp)
            print('monitor ' + ' '.join(f'{k} {v}' for k, v in record.items() if k.startswith('val_')), flush=True)
        log(record)
        if step % args.save_every == 0 or step == total or out_of_time:
            checkpoint()
        if out_of_time:
            print(f'stopping at step {step}: --max-minutes {args.max_minutes} reached (resume with --resume)', flush=True)
            break
    return terms


if __name__ == '__main__':
    main()
