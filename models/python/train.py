"""Unsupervised SSPD training (teacher–student self-similarity distillation): resumable, time-boxed, CPU or GPU.

Usage:
  /usr/bin/python3 models/python/train.py --faces ../shared/faces --out runs/sspd --checkpoint models/checkpoints --resume --minutes 8
  /usr/bin/python3 models/python/train.py --clips DIR --out runs/sspd [--resume]
  /usr/bin/python3 models/python/train.py --synthetic 2 --frames 16 --batch 2 --steps 2 --out /tmp/smoke
Clips: DIR/*.npy, each (T, H, W, 3) uint8 face crops in B,G,R order (other sizes are area-resized to
151×151). --faces renders windows on the fly under drawn hard conditions (synthetic_faces.py; real
H.264/MJPEG through --ffmpeg for a share of them). The data stream is a pure function of (seed, step):
window i of step s comes from its own generator seeded (seed, s, i), so a resumed run draws exactly
what the stopped one would have. No HR label is read: the true HR of rendered windows goes to the
monitors only; the renderer's pulse/no-pulse flag selects the periodicity priors (sspd_training_blocks).
Writes CHECKPOINT/latest.pth (+ latest.json: step, seed, config), out/teacher-sspd.pth (for export.py)
and out/metrics.jsonl; --minutes N stops cleanly, checkpointed, before N minutes have passed.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
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
from sspd_training_blocks import Nets, SelfSimilarityHead, momentum, train_step  # noqa: E402
from hr_monitor import HrMonitor  # noqa: E402
from file_hash import sha256  # noqa: E402

STORED_SIZE = 151
MASK_KEEP = 0.7
CHECKPOINT_FORMAT = 2
# What defines a run: taken from the checkpoint on --resume, whatever the command line says.
RUN_KEYS = ('source', 'frames', 'fps', 'batch', 'lr', 'seed', 'momentum_start', 'momentum_cap', 'momentum_ramp',
            'compress_share', 'nopulse_share', 'synthetic', 'eval_per_condition', 'eval_frames')


def stored_size(clip: torch.Tensor) -> torch.Tensor:
    """(T, H, W, 3) uint8 crops area-resized to 151×151 (returned as is when they are)."""
    if clip.shape[1:3] == (STORED_SIZE, STORED_SIZE):
        return clip
    resized = F.interpolate(clip.permute(0, 3, 1, 2).float(), size=(STORED_SIZE, STORED_SIZE), mode='area')
    return resized.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)


def load_clips(folder: str) -> list[torch.Tensor]:
    clips = []
    for path in sorted(glob.glob(os.path.join(folder, '*.npy'))):
        clip = torch.from_numpy(np.load(path, mmap_mode='r')[:].copy())
        if clip.ndim != 4 or clip.shape[-1] != 3 or clip.dtype != torch.uint8:
            raise ValueError(f'{path}: expected (T, H, W, 3) uint8, got {tuple(clip.shape)} {clip.dtype}')
        clips.append(stored_size(clip).contiguous())
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


# A window source gives `frames + 1` consecutive crops, (T+1, 151, 151, 3) uint8 B,G,R, and whether it
# holds a pulse, drawn from the generator it is handed.
WindowSource = Callable[[int, np.random.Generator], tuple[torch.Tensor, bool]]


def clip_windows(clips: list[torch.Tensor], device: torch.device, by_length: bool = False) -> WindowSource:
    """Windows from random places of random clips (of any crop size: each window is brought to 151×151);
    `by_length` draws a clip in proportion to its frames instead of uniformly."""
    share = np.array([c.shape[0] for c in clips], dtype=float) if by_length else None

    def window(frames: int, rng: np.random.Generator) -> tuple[torch.Tensor, bool]:
        clip = clips[int(rng.choice(len(clips), p=share / share.sum()) if share is not None else rng.integers(len(clips)))]
        if clip.shape[0] < frames + 1:
            raise SystemExit(f'a clip has {clip.shape[0]} frames; --frames {frames} needs {frames + 1}')
        start = int(rng.integers(clip.shape[0] - frames))
        return stored_size(clip[start:start + frames + 1]).to(device), True
    return window


def step_rng(seed: int, step: int, index: int) -> np.random.Generator:
    """Window `index` of step `step` (index −1: the step's view augmentations)."""
    return np.random.default_rng([seed, step, index + 1])


def make_batch(source: WindowSource, cfg: dict, step: int, pool: cf.Executor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Student views, teacher views and the pulse flags of step `step`: the same on every run."""
    windows = list(pool.map(lambda i: source(cfg['frames'], step_rng(cfg['seed'], step, i)), range(cfg['batch'])))
    g = torch.Generator().manual_seed(int(step_rng(cfg['seed'], step, -1).integers(2**62)))
    views = [two_views(w, g) for w, _ in windows]
    periodic = torch.tensor([p for _, p in windows])
    return torch.stack([s for s, _ in views]), torch.stack([t for _, t in views]), periodic


def save_atomic(obj: object, path: str) -> None:
    tmp = path + '.partial'
    torch.save(obj, tmp)
    os.replace(tmp, path)  # a crash mid-save never leaves a half-written checkpoint


def compact_optimizer(state: dict, dtype: torch.dtype) -> dict:
    """Adam's moments stored as `dtype` (bfloat16 halves the file; float32 keeps them bit-exact)."""
    return {'state': {k: {n: (v.to(dtype) if n.startswith('exp_avg') else v).cpu() for n, v in s.items()}
                      for k, s in state['state'].items()}, 'param_groups': state['param_groups']}


def pick_device(name: str) -> torch.device:
    if name == 'auto':
        name = 'cuda' if torch.cuda.is_available() else 'cpu'
    return torch.device(name)


def window_source(cfg: dict, args: argparse.Namespace, device: torch.device) -> tuple[WindowSource, HrMonitor | None]:
    """The training windows and, for rendered faces, a monitor on held-out windows of every condition."""
    if cfg['source'] == 'faces':
        from synthetic_faces import FaceSynth, load_photos
        from synthetic_conditions import CONDITIONS
        from video_codec import find_ffmpeg
        ffmpeg = find_ffmpeg(args.ffmpeg)
        if not ffmpeg and cfg['compress_share'] > 0:
            print('WARNING: no ffmpeg (--ffmpeg, $FFMPEG, PATH, node_modules): no compressed windows in this run', flush=True)
        from video_codec import version
        args.ffmpeg_version = version(ffmpeg)
        synth = FaceSynth(load_photos(args.faces, device), cfg['fps'], ffmpeg, cfg['compress_share'], cfg['nopulse_share'])
        with cf.ThreadPoolExecutor(max(1, args.workers)) as pool:
            held_out = list(pool.map(lambda ck: synth.window(cfg['eval_frames'], np.random.default_rng([10_000 + cfg['seed'], *ck]),
                                                             CONDITIONS[ck[0]]),
                                     [(c, k) for c in range(len(CONDITIONS)) for k in range(cfg['eval_per_condition'])]))
        return (lambda frames, rng: (lambda w: (w[0], bool(w[1]['pulse'])))(synth.window(frames, rng))), HrMonitor(held_out, cfg['fps'])
    clips = load_clips(args.clips) if args.clips else synthetic_clips(args.synthetic, cfg['frames'] + 8, cfg['fps'], cfg['seed'])
    return clip_windows(clips, device), None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--clips', help='folder of .npy face-crop clips')
    src.add_argument('--faces', help='folder of face photos: render windows on the fly')
    src.add_argument('--synthetic', type=int, help='number of synthetic clips (smoke runs)')
    ap.add_argument('--out', required=True, help='run folder: metrics.jsonl, teacher-sspd.pth')
    ap.add_argument('--checkpoint', help='folder of latest.pth / latest.json (default: --out), e.g. models/checkpoints')
    ap.add_argument('--frames', type=int, default=300, help='T differences per window (even)')
    ap.add_argument('--fps', type=float, default=30.0)
    ap.add_argument('--batch', type=int, default=12)
    ap.add_argument('--steps', type=int, default=100_000, help='stop at this step count in total')
    ap.add_argument('--minutes', '--max-minutes', type=float, help='checkpoint and stop before this long (resume later)')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--momentum-start', type=float, default=0.9)
    ap.add_argument('--momentum-cap', type=float, default=0.99)
    ap.add_argument('--momentum-ramp', type=int, default=1000, help='steps from start to cap')
    ap.add_argument('--compress-share', type=float, default=0.4, help='share of rendered windows through H.264/MJPEG')
    ap.add_argument('--nopulse-share', type=float, default=0.1, help='share of rendered negative (no-pulse) windows')
    ap.add_argument('--ffmpeg', help='ffmpeg binary (default: $FFMPEG, PATH, node_modules/@ffmpeg-installer)')
    ap.add_argument('--workers', type=int, default=4, help='windows rendered (and encoded) in parallel')
    ap.add_argument('--prefetch', type=int, default=2, help='steps whose batches are made ahead')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--device', default='auto', help='auto, cpu or cuda')
    ap.add_argument('--amp', action='store_true', help='bfloat16 autocast for the convolutions (GPU)')
    ap.add_argument('--channels-last', action='store_true', help='channels-last 3D memory layout (GPU convolutions)')
    ap.add_argument('--optimizer-dtype', choices=('bfloat16', 'float32'), default='bfloat16', help="Adam moments in the checkpoint")
    ap.add_argument('--save-every', type=int, default=100)
    ap.add_argument('--eval-every', type=int, default=100, help='steps between monitor runs')
    ap.add_argument('--eval-per-condition', type=int, default=6, help='held-out rendered windows per condition')
    ap.add_argument('--eval-frames', type=int, default=300)
    ap.add_argument('--dev', help='folder of the synthetic-dev clips (manifest.csv): report-only monitor')
    ap.add_argument('--dev-limit', type=int, help='first N clips of each manifest (quick checks)')
    ap.add_argument('--seed', type=int, default=0, help='data seed')
    ap.add_argument('--resume', action='store_true', help='continue from CHECKPOINT/latest.pth where present')
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, float]:
    started = time.time()
    args = parse_args(argv)
    args.checkpoint = args.checkpoint or args.out
    args.source = 'faces' if args.faces else 'clips' if args.clips else 'synthetic'
    torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    torch.backends.cudnn.benchmark = device.type == 'cuda'
    torch.backends.cuda.matmul.allow_tf32 = True  # the self-similarity heads' matmuls; cudnn convs use TF32 already
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.checkpoint, exist_ok=True)
    latest = os.path.join(args.checkpoint, 'latest.pth')
    # Our own file (floats in its config and optimizer groups): torch ≥ 2.6 would otherwise load weights only.
    state = torch.load(latest, map_location='cpu', weights_only=False) if args.resume and os.path.exists(latest) else None
    cfg = {k: getattr(args, k) for k in RUN_KEYS}
    if state:
        if state.get('format') != CHECKPOINT_FORMAT:
            raise SystemExit(f'{latest}: checkpoint format {state.get("format")}, this train.py reads {CHECKPOINT_FORMAT}')
        if state['config']['source'] != cfg['source']:
            raise SystemExit(f'{latest} was trained on --{state["config"]["source"]} windows, not --{cfg["source"]}')
        changed = {k: (cfg[k], v) for k, v in state['config'].items() if cfg.get(k) != v}
        if changed:
            print('resuming with the run config of the checkpoint; ignored on the command line: '
                  + ', '.join(f'{k}={a} (run: {b})' for k, (a, b) in changed.items()), flush=True)
        cfg |= state['config']
    torch.manual_seed(cfg['seed'])

    source, monitor = window_source(cfg, args, device)
    dev = None
    if args.dev:
        from dev_monitor import DevMonitor
        from video_codec import find_ffmpeg
        from synthetic_faces import load_photos
        photos = {p.name: p for p in load_photos(args.faces, torch.device('cpu'))} if args.faces else None
        dev = DevMonitor(args.dev, find_ffmpeg(args.ffmpeg), cfg['fps'], args.dev_limit, photos=photos, workers=args.workers)
    layout = torch.channels_last_3d if args.channels_last else torch.contiguous_format
    student, head = SSPD().to(device, memory_format=layout), SelfSimilarityHead().to(device)
    nets = Nets.around(student, head)
    teacher, teacher_head = nets.teacher, nets.teacher_head
    optimizer = torch.optim.Adam([*student.parameters(), *head.parameters()], lr=cfg['lr'])
    step = 0
    if state:
        for module, key in ((student, 'student'), (head, 'head'), (teacher, 'teacher'), (teacher_head, 'teacher_head')):
            module.load_state_dict(state[key])
        optimizer.load_state_dict(compact_optimizer(state['optimizer'], torch.float32))
        step = state['step']
        print(f'resumed from {latest} at step {step} (data seed {cfg["seed"]})', flush=True)
    state = None

    def checkpoint(record: dict[str, object]) -> None:
        weights = {k: {n: v.detach().cpu() for n, v in m.state_dict().items()}
                   for k, m in (('student', student), ('head', head), ('teacher', teacher), ('teacher_head', teacher_head))}
        save_atomic({'format': CHECKPOINT_FORMAT, 'step': step, 'config': cfg, **weights,
                     'optimizer': compact_optimizer(optimizer.state_dict(), getattr(torch, args.optimizer_dtype))}, latest)
        save_atomic(weights['teacher'], os.path.join(args.out, 'teacher-sspd.pth'))
        about = {'step': step, 'data_seed': cfg['seed'], 'config': cfg, 'optimizer_moments': args.optimizer_dtype,
                 'torch': torch.__version__, 'device': str(device), 'ffmpeg': getattr(args, 'ffmpeg_version', None),
                 'saved': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                 'sha256': sha256(latest), 'last_metrics': record}
        with open(os.path.join(args.checkpoint, 'latest.json.partial'), 'w') as f:
            json.dump(about, f, indent=1)
        os.replace(os.path.join(args.checkpoint, 'latest.json.partial'), os.path.join(args.checkpoint, 'latest.json'))

    def log(record: dict[str, object]) -> None:
        with open(os.path.join(args.out, 'metrics.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')

    amp = torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.amp)
    student.train()
    head.train()
    terms: dict[str, float] = {}
    first = step
    budget = args.minutes * 60 if args.minutes is not None else math.inf
    # Batches of the next --prefetch steps are made while this one trains (each is a function of its step alone).
    render_pool, prefetch_pool = cf.ThreadPoolExecutor(max(1, args.workers)), cf.ThreadPoolExecutor(max(1, args.prefetch))
    queue = collections.deque(prefetch_pool.submit(make_batch, source, cfg, s, render_pool)
                              for s in range(step, min(step + max(1, args.prefetch), args.steps)))
    record: dict[str, object] = {'step': step}

    def evaluate() -> None:
        teacher.eval()
        if monitor:
            record.update(monitor.evaluate(teacher, amp))
        if dev:
            record.update(dev.evaluate(teacher, amp, os.path.join(args.out, 'dev_clips.jsonl')))
        if monitor or dev:
            print('monitor ' + ' '.join(f'{k} {v}' for k, v in record.items() if k.startswith(('val_', 'dev_'))), flush=True)

    # The teacher as it starts (a baseline, and how long a monitor run takes: that time, and a
    # checkpoint's, are kept free at the end of a time-boxed run).
    t0 = time.time()
    evaluate()
    if len(record) > 1:
        log(record | {'seconds': round(time.time() - started, 1), 'start': True})
    reserve = time.time() - t0
    loop_started = time.time()
    while queue:
        x_student, x_teacher, periodic = queue.popleft().result()
        if step + len(queue) + 1 < args.steps:
            queue.append(prefetch_pool.submit(make_batch, source, cfg, step + len(queue) + 1, render_pool))
        x_student, x_teacher = (x.contiguous(memory_format=layout) for x in (x_student, x_teacher))
        m = momentum(step, cfg['momentum_start'], cfg['momentum_cap'], cfg['momentum_ramp'])
        terms = train_step(nets, optimizer, (x_student, x_teacher, periodic), cfg['fps'], m, amp)
        step += 1
        elapsed = time.time() - started
        per_step = (time.time() - loop_started) / (step - first)
        print(f'step {step}/{args.steps} loss {terms["total"]:.4f} ' + ' '.join(f'{k} {v:.4f}' for k, v in terms.items() if k != 'total')
              + f' momentum {m:.4f} {per_step:.2f}s/step', flush=True)
        out_of_time = elapsed + per_step + reserve > budget
        last = not queue or out_of_time
        record = {'step': step, 'seconds': round(elapsed, 1), 'momentum': round(m, 5), **terms}
        if step % args.eval_every == 0 or last:
            t0 = time.time()
            evaluate()
            reserve = max(reserve, time.time() - t0)
        log(record)
        if step % args.save_every == 0 or last:
            t0 = time.time()
            checkpoint(record)
            reserve = max(reserve, time.time() - t0)
        if out_of_time:
            print(f'stopping at step {step}: --minutes {args.minutes} reached (continue with --resume)', flush=True)
            for future in queue:
                future.cancel()
            break
    render_pool.shutdown(cancel_futures=True)
    prefetch_pool.shutdown(cancel_futures=True)
    return terms | {'step': step}


if __name__ == '__main__':
    main()
