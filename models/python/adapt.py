"""Adapts an SSPD model to a lab's own recordings without labels: train.py's teacher–student step, as a fine-tune.

Usage (Pulse Studio runs it: `pulse-studio adapt`, Settings → Models; the face crops come on stdin):
  /usr/bin/python3 models/python/adapt.py --base active.onnx --out DIR --steps 100 [--device cpu|cuda] < clips
Stdin: per clip (a stretch of consecutive frames with a face), one JSON line
  {"frames": N, "height": H, "width": W, "fps": F, "order": "rgb"|"bgr", "session": ID}
then N·H·W·3 bytes (uint8 HWC frames), and after the last clip the line {"end": true}. The caller keeps stdin
open while the run goes on; its end (cancelled, or the caller is gone) stops the run at once, so no face crop is
ever written to disk by this side and no orphan keeps running.
Stdout: one JSON object per line — {"event": "start"…}, {"event": "step", "step": k, "steps": N, "loss": {…}},
{"event": "done", "onnx": …, "sha256": …, "losses": […]…}. A bad input: one line on stderr, exit status 2.
Writes DIR/adapted.onnx: the teacher after the last step, exported by export.py (streaming form).

Choices (ours): the base model's weights come from its ONNX file (onnx_weights.py reads every form the app runs);
the self-similarity heads, which no ONNX file holds, start fresh. BatchNorm statistics stay frozen (eval mode):
a few minutes from one lab make poor batch statistics, and folded norms come back with identity statistics that
batch statistics would overwrite. The input norm and the first --freeze-steps backbone steps stay as they are: the
pixel-level filters learnt on many rendered faces are kept, and on a CPU their backward pass is two thirds of
a step's work. Learning rate a tenth of training's; the teacher's momentum rises 0.95 → 0.99 over half the run.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import os
import statistics
import sys
import threading
import time
from typing import BinaryIO, Callable

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402
from export import export  # noqa: E402
from file_hash import sha256  # noqa: E402
from onnx_weights import state_dict_from_onnx  # noqa: E402
from sspd_model import SSPD  # noqa: E402
from sspd_streaming import StreamingSSPD  # noqa: E402
from sspd_training_blocks import Nets, SelfSimilarityHead, momentum, train_step  # noqa: E402

OUTPUT = 'adapted.onnx'
MOMENTUM_START, MOMENTUM_CAP = 0.95, 0.99
MAX_CLIP_FRAMES = 1 << 20


class BadInput(Exception):
    """Input the caller must fix: said in one line, exit status 2."""


def read_exactly(stream: BinaryIO, n: int) -> np.ndarray:
    out = np.empty(n, np.uint8)
    view, got = memoryview(out), 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            raise BadInput(f'the crop stream ended after {got} of {n} bytes of a clip')
        got += k
    return out


def read_clips(stream: BinaryIO) -> tuple[list[torch.Tensor], list[float], list[int]]:
    """Clips as (T, H, W, 3) uint8 B,G,R tensors, their frame rates and sessions, up to the end line."""
    clips, rates, sessions = [], [], []
    while True:
        line = stream.readline()
        if not line:
            raise BadInput('the crop stream ended without its end line')
        try:
            head = json.loads(line)
        except ValueError as error:
            raise BadInput(f'a clip header is not JSON: {line[:80]!r}') from error
        if head.get('end'):
            return clips, rates, sessions
        n, h, w = (int(head.get(k, 0)) for k in ('frames', 'height', 'width'))
        if not (0 < n <= MAX_CLIP_FRAMES and 0 < h <= 1024 and 0 < w <= 1024) or head.get('order') not in ('rgb', 'bgr'):
            raise BadInput(f'a clip header is not one this reads: {head}')
        frames = torch.from_numpy(read_exactly(stream, n * h * w * 3).reshape(n, h, w, 3))
        clips.append(frames.flip(-1) if head['order'] == 'rgb' else frames)
        rates.append(float(head.get('fps') or 30.0))
        sessions.append(int(head.get('session', 0)))


def trainable_student(base: str, freeze_steps: int, device: torch.device) -> SSPD:
    student = SSPD()
    try:
        student.load_state_dict(state_dict_from_onnx(base), strict=True)
    except (ValueError, OSError) as error:
        raise BadInput(f'the weights of the base model cannot be read: {error}') from error
    frozen = [student.BN] + [getattr(student, f'backbone_step{k}') for k in range(1, freeze_steps + 1)]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
    return student.to(device)


def frozen_norms(model: torch.nn.Module) -> None:
    """Training mode, except that every BatchNorm keeps its statistics."""
    model.train()
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.eval()


def adapt(base: str, clips: list[torch.Tensor], fps: float, out: str, steps: int, *, frames: int = 64, batch: int = 2,
          lr: float = 1e-4, seed: int = 0, freeze_steps: int = 2, device: str = 'cpu',
          emit: Callable[[dict], None] = lambda event: None, on_start: Callable[[], None] = lambda: None) -> dict:
    """Fine-tunes `base` (an SSPD .onnx) on windows of `clips` for `steps` steps; writes out/adapted.onnx.
    `on_start` runs once every input has been checked, just before the first step."""
    started = time.time()
    clips = [c for c in clips if c.shape[0] >= frames + 1]
    if not clips:
        raise BadInput(f'no stretch of at least {frames + 1} consecutive frames with a face to learn from')
    dev = torch.device(device)
    if dev.type == 'cuda' and not torch.cuda.is_available():
        raise BadInput(f'--device cuda, but this PyTorch ({torch.__version__}) sees no CUDA GPU')
    torch.manual_seed(seed)
    nets = Nets.around(trainable_student(base, freeze_steps, dev), SelfSimilarityHead().to(dev))
    frozen_norms(nets.student)
    nets.head.train()
    params = [p for p in (*nets.student.parameters(), *nets.head.parameters()) if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    cfg = {'frames': frames, 'batch': batch, 'seed': seed}
    source = train.clip_windows(clips, dev, by_length=True)
    emit({'event': 'start', 'clips': len(clips), 'frames': int(sum(c.shape[0] for c in clips)), 'fps': fps, 'steps': steps,
          'device': str(dev), 'torch': torch.__version__, 'trainable': sum(p.numel() for p in params)})
    on_start()
    losses = []
    with cf.ThreadPoolExecutor(2) as pool:
        for step in range(steps):
            x_student, x_teacher, periodic = train.make_batch(source, cfg, step, pool)
            m = momentum(step, MOMENTUM_START, MOMENTUM_CAP, max(1, steps // 2))
            terms = train_step(nets, optimizer, (x_student, x_teacher, periodic), fps, m, contextlib.nullcontext())
            losses.append(terms['total'])
            emit({'event': 'step', 'step': step + 1, 'steps': steps, 'loss': terms, 'seconds': round(time.time() - started, 1)})
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, OUTPUT)
    export(StreamingSSPD(nets.teacher.cpu().eval()).eval(), onnx_path, 17)
    result = {'event': 'done', 'onnx': onnx_path, 'sha256': sha256(onnx_path), 'base_sha256': sha256(base), 'steps': steps,
              'losses': losses, 'frames_per_window': frames, 'batch': batch, 'lr': lr, 'freeze_steps': freeze_steps,
              'device': str(dev), 'torch': torch.__version__, 'seconds': round(time.time() - started, 1)}
    emit(result)
    return result


def stop_when_stdin_ends(fd: int) -> None:
    """The caller closes stdin to cancel (or is gone): end at once, whatever step is running. Read from the raw fd:
    a daemon thread waiting on the buffered reader's lock would abort the interpreter's normal exit."""
    def watch() -> None:
        while os.read(fd, 1 << 16):
            pass
        os._exit(3)
    threading.Thread(target=watch, daemon=True).start()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--base', required=True, help='the SSPD .onnx to start from (the active model)')
    ap.add_argument('--out', required=True, help='folder for adapted.onnx')
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--frames', type=int, default=64, help='differences per window (even)')
    ap.add_argument('--batch', type=int, default=2)
    ap.add_argument('--lr', type=float, default=1e-4)
    ap.add_argument('--freeze-steps', type=int, choices=range(0, 5), default=2, help='backbone steps kept as they are')
    ap.add_argument('--device', choices=('cpu', 'cuda'), default='cpu')
    ap.add_argument('--threads', type=int, default=max(1, min(4, (os.cpu_count() or 2) // 2)))
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args(argv)
    if args.steps < 1 or args.frames < 4 or args.frames % 2 or args.batch < 1:
        ap.error('--steps ≥ 1, --frames even and ≥ 4, --batch ≥ 1')
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)

    def emit(event: dict) -> None:
        sys.stdout.write(json.dumps(event) + '\n')
        sys.stdout.flush()
    try:
        if not os.path.isfile(args.base):
            raise BadInput(f'--base {args.base}: no such file')
        clips, rates, _ = read_clips(sys.stdin.buffer)
        # Bad input is said (exit status 2) before the watch on stdin begins, whatever the caller does with stdin.
        adapt(args.base, clips, statistics.median(rates) if rates else 30.0, args.out, args.steps, frames=args.frames,
              batch=args.batch, lr=args.lr, seed=args.seed, freeze_steps=args.freeze_steps, device=args.device, emit=emit,
              on_start=lambda: stop_when_stdin_ends(sys.stdin.fileno()))
    except BadInput as error:
        sys.stderr.write(f'{error}\n')
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
