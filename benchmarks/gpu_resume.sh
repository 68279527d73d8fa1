#!/usr/bin/env bash
# On a CUDA machine: is a run stopped by SIGTERM and resumed bit-identical to a straight one, and is
# a second trainer refused while the first writes the run? (Issue 32's check, bf16 autocast on.)
#   bash benchmarks/gpu_resume.sh [FASHION_MNIST_DIR]        # ~1 minute on an H200
set -euo pipefail
DATA=${1:-/usr/share/datasets/fashion-mnist}
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
PY=${PY:-python3}
W=$(mktemp -d)
A="--model dcgan --device cuda --data-dir $DATA --steps 800 --checkpoint-every 100 --log-every 100 --sample-every 100000 --seed 1 --no-progress"
$PY -c "import torch; print(torch.__version__, torch.cuda.get_device_name())"
$PY -m couturier train $A --out $W/straight | tail -1
$PY -m couturier train $A --out $W/again | tail -1
$PY -m couturier train $A --out $W/stopped > $W/stopped.log 2>&1 & P=$!
sleep 12; kill -TERM $P; wait $P || echo "stopped: exit $?"; tail -1 $W/stopped.log
$PY -m couturier train $A --out $W/stopped --resume > $W/resumed.log 2>&1 & P=$!
sleep 8; $PY -m couturier train $A --out $W/stopped --resume || echo "second trainer: exit $?"
wait $P; tail -1 $W/resumed.log
$PY - "$W" <<'PY'
import sys
from pathlib import Path
from safetensors.torch import load_file

def networks(run):
    last = sorted((Path(run) / "checkpoints").iterdir())[-1]
    return {k: v for k, v in load_file(str(last / "weights.safetensors")).items() if k.startswith(("G.", "D."))}

straight = networks(f"{sys.argv[1]}/straight")
for name in ("again", "stopped"):
    other = networks(f"{sys.argv[1]}/{name}")
    print(name, "bit-identical to straight:", all((straight[k] == other[k]).all() for k in straight))
PY
