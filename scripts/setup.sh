#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine: Fashion-MNIST from Debian, a virtual
# environment in .venv with torch (the CPU wheel unless a GPU is present) and couturier.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

apt_install() {  # apt_install PACKAGE...: install what is missing, updating the lists once
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        echo "setup: please install ${missing[*]} (no apt-get here)" >&2; return 1
    fi
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Fashion-MNIST: the Debian package puts the original IDX files in /usr/share/datasets.
# Without it, couturier downloads the files on first use (SHA-256 verified).
apt_install dataset-fashion-mnist || echo "setup: dataset-fashion-mnist not installed; couturier will download Fashion-MNIST" >&2
# WordNet (Debian's wordnet-base): prompt grounding reads words no catalogue uses through it.
apt_install wordnet-base || echo "setup: wordnet-base not installed; prompts are read without WordNet" >&2
# The test suite drives the web page in headless Chromium (scripts/test.sh sets WITH_BROWSER=1).
if [ "${WITH_BROWSER:-0}" = 1 ]; then apt_install chromium chromium-driver; fi
python3 -m venv --help >/dev/null 2>&1 && python3 -c "import ensurepip" 2>/dev/null || apt_install python3-venv

if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
PY=.venv/bin/python
if ! $PY -c "import torch" 2>/dev/null; then
    # 2.13.0 is the release this project is tested with; on a GPU machine take the default (CUDA) build.
    if command -v nvidia-smi >/dev/null && nvidia-smi >/dev/null 2>&1; then
        $PY -m pip install -q "${TORCH_SPEC:-torch>=2.4,<3}"
    else
        $PY -m pip install -q "${TORCH_SPEC:-torch==2.13.0}"
    fi
fi
$PY -m pip install -q -e ".[test]"
# The people extra's networks: the mediapipe 0.10.21 wheel for its model files alone (its own
# dependencies would pin numpy<2 and add a second cv2; couturier never imports it).
if ! $PY -c "from couturier.people.models import model_path; model_path('pose')" 2>/dev/null; then
    $PY -m pip install -q --no-deps "mediapipe==0.10.21"
fi
