"""Training-only parts of SSPD: the TS (temporal self-similarity) blocks, the losses and one teacher–student step.

Written from ../shared/models/SSPD-SPEC.md ("Training-only part", "Training method"). None of
these tensors are in the released checkpoint or the ONNX export. Where the spec leaves a choice
open (tokenizer stride, how a wave is read off a map, the exact frequency prior) the choice is
ours and is said so below. `train_step` is shared by train.py (training) and adapt.py (a lab's recordings).
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import math

import torch
from torch import nn
from torch.nn import functional as F

from sspd_model import SSPD

DIM = 256
HEADS = 2
TOKENIZER_KERNELS = (9, 7, 5)
# Our choice: each tokenizer halves the sequence, so the three maps see three time scales.
TOKENIZER_STRIDE = 2
LOSS_WEIGHTS = {'map': 0.5, 'wave': 0.5, 'diagonal': 0.5, 'frequency': 0.2, 'aperiodic': 0.2}
BAND_HZ = (0.5, 3.0)


class TSBlock(nn.Module):
    """Tokenize (Conv1d + LayerNorm), 2-head attention with q·kᵀ/d_head, tanh, resized residual."""

    def __init__(self, kernel: int, dim: int = DIM, heads: int = HEADS) -> None:
        super().__init__()
        self.heads = heads
        self.tokenizer = nn.Conv1d(dim, dim, kernel, stride=TOKENIZER_STRIDE, padding=kernel // 2)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, T) → (N, C, T')."""
        tokens = self.norm(self.tokenizer(x).transpose(1, 2))  # N, T', C
        n, t, c = tokens.shape
        d_head = c // self.heads

        def split(proj: nn.Linear) -> torch.Tensor:
            return proj(tokens).view(n, t, self.heads, d_head).transpose(1, 2)

        q, k, v = split(self.q), split(self.k), split(self.v)
        # The spec divides by d_head, not √d_head: flatter attention.
        attn = torch.softmax(q @ k.transpose(-1, -2) / d_head, dim=-1)
        y = torch.tanh(self.out((attn @ v).transpose(1, 2).reshape(n, t, c)))
        residual = F.interpolate(x, size=t, mode='linear', align_corners=False)
        return residual + y.transpose(1, 2)


class SelfSimilarityHead(nn.Module):
    """Three TS blocks in sequence; returns each level's self-similarity map (N, T', T')."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(TSBlock(k) for k in TOKENIZER_KERNELS)

    def forward(self, g: torch.Tensor) -> list[torch.Tensor]:
        maps = []
        x = g
        for block in self.blocks:
            x = block(x)
            unit = F.normalize(x, dim=1)
            maps.append(unit.transpose(1, 2) @ unit)
        return maps


def neg_pearson(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """1 − Pearson r along the last axis, averaged: 0 when a and b move together."""
    a = a - a.mean(-1, keepdim=True)
    b = b - b.mean(-1, keepdim=True)
    r = (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1) + 1e-8)
    return (1 - r).mean()


def lags(t: int) -> range:
    """Lags up to half the map (at least one, so short smoke-test maps work)."""
    return range(1, max(2, t // 2 + 1))


def map_wave(s: torch.Tensor) -> torch.Tensor:
    """Mean of each diagonal of a self-similarity map: an autocorrelation over lag (our reading)."""
    t = s.shape[-1]
    return torch.stack([torch.diagonal(s, offset=lag, dim1=-2, dim2=-1).mean(-1)
                        for lag in lags(t)], dim=-1)


def diagonal_spread(s: torch.Tensor) -> torch.Tensor:
    """Variance along each diagonal: zero for a perfectly periodic (stationary) signal."""
    t = s.shape[-1]
    return torch.stack([torch.diagonal(s, offset=lag, dim1=-2, dim2=-1).var(-1, unbiased=False).mean()
                        for lag in lags(t)]).mean()


def power_spectrum(wave: torch.Tensor) -> torch.Tensor:
    wave = wave - wave.mean(-1, keepdim=True)
    return torch.fft.rfft(wave, dim=-1).abs() ** 2


def band_mask(length: int, fps: float, device: torch.device) -> torch.Tensor:
    freqs = torch.fft.rfftfreq(length, d=1.0 / fps).to(device)
    return (freqs >= BAND_HZ[0]) & (freqs <= BAND_HZ[1])


def sspd_losses(student_maps: list[torch.Tensor], teacher_maps: list[torch.Tensor],
                student_wave: torch.Tensor, teacher_wave: torch.Tensor, fps: float,
                periodic: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Weighted loss terms; the total is their sum.

    `periodic` (N,) bool marks windows that hold a pulse; None = all of them. Rendered negative
    windows (no pulse) are the exception to the periodicity priors: diagonal spread and the
    frequency prior apply to pulsing windows only, and on negatives the student's in-band spectrum
    is pushed flat instead ('aperiodic', our addition), so it learns to give no rhythm there.
    """
    n = student_wave.shape[0]
    periodic = torch.ones(n, dtype=torch.bool, device=student_wave.device) if periodic is None else periodic
    zero = student_wave.sum() * 0
    mapl = sum(F.mse_loss(s, t) + neg_pearson(s.flatten(1), t.flatten(1))
               + neg_pearson(map_wave(s), map_wave(t)) for s, t in zip(student_maps, teacher_maps))
    ps, pt = power_spectrum(student_wave), power_spectrum(teacher_wave)
    band = band_mask(student_wave.shape[-1], fps, student_wave.device)
    in_band = ps[..., band].sum(-1) / (ps.sum(-1) + 1e-8)
    wave = neg_pearson(student_wave, teacher_wave) + neg_pearson(ps, pt) + (1 - in_band).mean()
    diag = sum(diagonal_spread(s[periodic]) for s in student_maps) if periodic.any() else zero
    # Frequency prior (our form): a pulse has one dominant rate, so in-band spectral entropy is low.
    p = ps[..., band] / (ps[..., band].sum(-1, keepdim=True) + 1e-8)
    entropy = -(p * (p + 1e-8).log()).sum(-1) / math.log(max(int(band.sum()), 2))
    frequency = entropy[periodic].mean() if periodic.any() else zero
    aperiodic = (1 - entropy[~periodic]).mean() if (~periodic).any() else zero
    terms = {'map': mapl, 'wave': wave, 'diagonal': diag, 'frequency': frequency, 'aperiodic': aperiodic}
    return {name: LOSS_WEIGHTS[name] * value for name, value in terms.items()}


def momentum(step: int, start: float = 0.9, cap: float = 0.99, ramp: int = 1000) -> float:
    """EMA momentum: start → cap on a cosine over `ramp` steps, then held at cap (< 1), so the
    teacher keeps following the student however long training goes on (a schedule that reaches 1
    at the end of a planned run freezes the teacher; a resumed run has no planned end)."""
    return cap - (cap - start) * (math.cos(math.pi * min(step / max(ramp, 1), 1.0)) + 1) / 2


@torch.no_grad()
def ema_update(teacher: torch.nn.Module, student: torch.nn.Module, m: float) -> None:
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(m).add_(s.detach(), alpha=1 - m)
    for t, s in zip(teacher.buffers(), student.buffers()):
        t.copy_(s)


@dataclasses.dataclass
class Nets:
    """The student with its self-similarity head, and the teacher pair that follows them by EMA."""
    student: SSPD
    head: SelfSimilarityHead
    teacher: SSPD
    teacher_head: SelfSimilarityHead

    @staticmethod
    def around(student: SSPD, head: SelfSimilarityHead) -> Nets:
        """A teacher pair that starts as copies of the student pair and takes no gradients."""
        teacher, teacher_head = copy.deepcopy(student).eval(), copy.deepcopy(head).eval()
        for p in (*teacher.parameters(), *teacher_head.parameters()):
            p.requires_grad_(False)
        return Nets(student, head, teacher, teacher_head)


def train_step(nets: Nets, optimizer: torch.optim.Optimizer, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
               fps: float, m: float, amp: contextlib.AbstractContextManager) -> dict[str, float]:
    """One teacher–student step on (student views, teacher views, pulse flags), then the EMA at momentum `m`;
    returns the weighted loss terms and their 'total'."""
    x_student, x_teacher, periodic = batch
    with amp:
        features = nets.student.features(x_student)
        maps = nets.head(nets.student.pooled(features))
        # Detached: the backbone learns only from the self-similarity maps, the predictor
        # only from the waveform distillation.
        wave = nets.student.predictor(features.detach())
        with torch.no_grad():
            t_features = nets.teacher.features(x_teacher)
            t_maps = nets.teacher_head(nets.teacher.pooled(t_features))
            t_wave = nets.teacher.predictor(t_features)
    losses = sspd_losses([x.float() for x in maps], [x.float() for x in t_maps], wave.float(), t_wave.float(),
                         fps, periodic.to(wave.device))
    loss = sum(losses.values())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    ema_update(nets.teacher, nets.student, m)
    ema_update(nets.teacher_head, nets.head, m)
    return {k: float(v) for k, v in losses.items()} | {'total': float(loss)}
