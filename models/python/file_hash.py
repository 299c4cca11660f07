"""SHA-256 of a file, read in 1 MiB blocks (checkpoints and exported models carry it in their provenance)."""
from __future__ import annotations

import hashlib


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()
