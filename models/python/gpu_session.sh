#!/usr/bin/env bash
# One GPU training session: resume from models/checkpoints for MINUTES, export ONNX, leave checkpoint + metrics in $OUT.
#
# Here (once, before the device call):  /usr/bin/python3 models/python/gpu_carry.py
# On the device machine (repo root):     bash models/python/gpu_session.sh MINUTES      (carry: models/.gpu-carry)
# Back here:                             bash models/python/gpu_session.sh collect DIR  (DIR = the files_at folder:
#   joins the checkpoint into models/checkpoints, checks its sha256, appends metrics.jsonl there,
#   exports models/runs/<time>/sspd-torch113.onnx)
#
# Installs nothing (the machine has no internet): its python3 holds torch; ffmpeg comes from $FFMPEG,
# the carried ffmpeg.xz, the PATH or node_modules; faces and dev clips from models/.gpu-carry (or
# ../shared where it exists). $OUT receives at most 8 files, 16 MiB each: latest.pth in 15 MiB parts,
# latest.json, metrics.jsonl, dev_clips.jsonl, train.log and sspd.onnx.
set -euo pipefail
cd "$(dirname "$0")/../.."
CKPT=${CKPT:-models/checkpoints}

if [ "${1:-}" = collect ]; then  # back here: reassemble the parts into models/checkpoints, keep the rest beside
  SRC=${2:?usage: gpu_session.sh collect DIR}
  if [ -f "$SRC/logs.tar.gz" ]; then  # the text files, bundled where the checkpoint took more parts
    tmp=$(mktemp -d); cp "$SRC"/* "$tmp/"; tar xzf "$tmp/logs.tar.gz" -C "$tmp"; SRC=$tmp
  fi
  RUNS=models/runs/$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$CKPT" "$RUNS"
  cat "$SRC"/latest.pth.part-* > "$CKPT/latest.pth.partial" && mv "$CKPT/latest.pth.partial" "$CKPT/latest.pth"
  cp "$SRC/latest.json" "$CKPT/latest.json"
  cat "$SRC/metrics.jsonl" >> "$CKPT/metrics.jsonl"  # every session's monitor records, in step order
  for f in dev_clips.jsonl train.log sspd.onnx; do if [ -f "$SRC/$f" ]; then cp "$SRC/$f" "$RUNS/"; fi; done
  /usr/bin/python3 - "$CKPT" "$RUNS" <<'EOF'
import hashlib, json, sys
d, runs = sys.argv[1:3]
about = json.load(open(f'{d}/latest.json'))
digest = hashlib.sha256(open(f'{d}/latest.pth', 'rb').read()).hexdigest()
assert digest == about['sha256'], f'latest.pth sha256 {digest} != latest.json {about["sha256"]}'
import torch
torch.save(torch.load(f'{d}/latest.pth', map_location='cpu', weights_only=False)['teacher'], f'{runs}/teacher-sspd.pth')
print(f'{d}/latest.pth: step {about["step"]}, data seed {about["data_seed"]}, sha256 ok; run files in {runs}/')
EOF
  /usr/bin/python3 models/python/export.py --checkpoint "$RUNS/teacher-sspd.pth" --output "$RUNS/sspd-torch113.onnx"
  exit 0
fi

MINUTES=${1:?usage: gpu_session.sh MINUTES  (training time; the whole session needs ~1.5 min more)}
OUT=${OUT:-/tmp/gpu-session-out}
CARRY=${GPU_CARRY:-models/.gpu-carry}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}             # DEVICE=cpu TRAIN_ARGS='--frames 16 --batch 2 ...' for a dry run on a CPU
read -r -a EXTRA <<< "${TRAIN_ARGS:-}"
RUN=/tmp/sspd-run
export PYTHONUNBUFFERED=1
rm -rf "$RUN"
mkdir -p "$OUT" "$RUN" "$CKPT"
exec > >(tee "$OUT/train.log") 2>&1

# A checkpoint brought back in parts and not yet joined.
if ls "$CKPT"/latest.pth.part-* >/dev/null 2>&1 && [ ! -f "$CKPT/latest.pth" ]; then
  cat "$CKPT"/latest.pth.part-* > "$CKPT/latest.pth"
fi

# The carried static ffmpeg first: the same encoder bytes in every session, whatever the machine's image holds.
if [ -z "${FFMPEG:-}" ] && [ -f "$CARRY/ffmpeg.xz" ]; then
  "$PY" -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" "$CARRY/ffmpeg.xz" /tmp/ffmpeg
  chmod +x /tmp/ffmpeg
  export FFMPEG=/tmp/ffmpeg
fi
FACES=$CARRY/faces; [ -d "$FACES" ] || FACES=../shared/faces
DEV=$CARRY/synthetic-dev; [ -d "$DEV" ] || DEV=../shared/clips/synthetic-dev
DEV_ARGS=(); [ -f "$DEV/manifest.csv" ] && DEV_ARGS=(--dev "$DEV")

nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
echo "ffmpeg: ${FFMPEG:-$(command -v ffmpeg || echo none)}; faces: $FACES; dev: ${DEV_ARGS[*]:-none}; checkpoint: $(ls "$CKPT"/latest.pth 2>/dev/null || echo none, a fresh run)"

status=0
"$PY" models/python/train.py --faces "$FACES" --out "$RUN" --checkpoint "$CKPT" --resume --minutes "$MINUTES" \
  --device "$DEVICE" $([ "$DEVICE" = cuda ] && echo --amp --channels-last) --workers 14 --prefetch 4 --threads 4 \
  --save-every 200 --eval-every 200 "${DEV_ARGS[@]}" "${EXTRA[@]}" || status=$?

if [ -f "$CKPT/latest.pth" ]; then
  split -b 15M -d -a 2 "$CKPT/latest.pth" "$OUT/latest.pth.part-"
  cp "$CKPT/latest.json" "$OUT/"
fi
for f in metrics.jsonl dev_clips.jsonl; do [ -f "$RUN/$f" ] && cp "$RUN/$f" "$OUT/"; done
if [ -f "$RUN/teacher-sspd.pth" ]; then
  # Best effort: export.py was written for torch 1.13's exporter; `collect` exports again here with it.
  "$PY" models/python/export.py --checkpoint "$RUN/teacher-sspd.pth" --output "$OUT/sspd.onnx" \
    || echo "export failed on this machine; 'gpu_session.sh collect' exports with /usr/bin/python3"
fi
if [ "$(ls "$OUT" | wc -l)" -gt 8 ]; then  # at most 8 files come back
  (cd "$OUT" && tar czf logs.tar.gz $(ls metrics.jsonl dev_clips.jsonl train.log 2>/dev/null) && rm -f metrics.jsonl dev_clips.jsonl train.log)
fi
ls -la "$OUT"
exit $status
