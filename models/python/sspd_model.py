"""SSPD inference network (backbone + predictor), written from ../shared/models/SSPD-SPEC.md.

Parameter names follow the authors' checkpoint keys exactly so that their state_dict loads
with strict=True. Input (N, 3, T, 128, 128) raw B,G,R frame differences; output (N, 2*floor(T/2)).
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

# Every convolution pads time by one frame and keeps space valid.
TIME_PAD = (1, 0, 0)
INPUT_SIZE = 128
FEATURE_CHANNELS = 256


class BackboneStep(nn.Module):
    """Two (conv → BN → tanh) stages then a spatial pool; `step4` has only the first stage."""

    def __init__(self, c_in: int, c_mid: int, c_out: int | None, k1: int, k2: int = 3,
                 pool: tuple[int, int, int] = (1, 2, 2)) -> None:
        super().__init__()
        self.Conv_Layer1 = nn.Conv3d(c_in, c_mid, (3, k1, k1), padding=TIME_PAD, bias=False)
        self.BN1 = nn.BatchNorm3d(c_mid)
        self.two_stages = c_out is not None
        if c_out is not None:
            self.Conv_Layer2 = nn.Conv3d(c_mid, c_out, (3, k2, k2), padding=TIME_PAD, bias=False)
            self.BN2 = nn.BatchNorm3d(c_out)
        # Stride 1 keeps the pooled map's time axis; in step4 the pool is training-only.
        self.Avgpool1 = nn.AvgPool3d(pool, stride=pool if self.two_stages else 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.tanh(self.BN1(self.Conv_Layer1(x)))
        if not self.two_stages:
            return x
        x = torch.tanh(self.BN2(self.Conv_Layer2(x)))
        return self.Avgpool1(x)


class Predictor(nn.Module):
    """Feature map F (N,256,T,8,8) → waveform (N, 2*floor(T/2))."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv3d(FEATURE_CHANNELS, 64, (3, 1, 1), padding=TIME_PAD, bias=False)
        self.bn1 = nn.BatchNorm3d(64)
        self.down = nn.AvgPool3d((2, 2, 2), stride=(2, 2, 2))
        self.conv2 = nn.Conv3d(64, 64, (3, 3, 3), padding=TIME_PAD, bias=False)
        self.bn2 = nn.BatchNorm3d(64)
        self.conv3 = nn.Conv3d(64, 64, (3, 1, 1), padding=TIME_PAD, bias=False)
        self.bn3 = nn.BatchNorm3d(64)
        self.GAP = nn.AvgPool3d((1, 2, 2), stride=(1, 2, 2))
        self.conv4 = nn.Conv3d(64, 1, (1, 1, 1), bias=True)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        x = torch.tanh(self.bn1(self.conv1(f)))
        x = self.down(x)
        x = torch.tanh(self.bn2(self.conv2(x)))
        # Nearest ×2 in time only; exports as a single Resize with constant scales.
        x = F.interpolate(x, scale_factor=(2.0, 1.0, 1.0), mode='nearest')
        x = torch.tanh(self.bn3(self.conv3(x)))
        x = self.conv4(self.GAP(x))
        return x.flatten(1)


class SSPD(nn.Module):
    """The inference network; `features` exposes F and the pooled G for training."""

    def __init__(self) -> None:
        super().__init__()
        self.BN = nn.BatchNorm3d(3)
        self.backbone_step1 = BackboneStep(3, 8, 16, k1=5)
        self.backbone_step2 = BackboneStep(16, 16, 32, k1=5)
        self.backbone_step3 = BackboneStep(32, 32, 64, k1=5)
        self.backbone_step4 = BackboneStep(64, FEATURE_CHANNELS, None, k1=3, pool=(1, 8, 8))
        self.predictor = Predictor()

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.BN(x)
        for step in (self.backbone_step1, self.backbone_step2, self.backbone_step3,
                     self.backbone_step4):
            x = step(x)
        return x

    def pooled(self, f: torch.Tensor) -> torch.Tensor:
        """G (N, 256, T) for the training-only self-similarity blocks."""
        return self.backbone_step4.Avgpool1(f).flatten(3).squeeze(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.predictor(self.features(x))


def load_checkpoint(model: SSPD, path: str) -> SSPD:
    """Loads a state_dict strictly: a key mismatch is a wrong file, not something to ignore."""
    model.load_state_dict(torch.load(path, map_location='cpu'), strict=True)
    return model
