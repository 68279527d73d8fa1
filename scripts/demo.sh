#!/usr/bin/env bash
# Quickstart: set everything up, train a short DCGAN on Fashion-MNIST and print where the grid is.
# Extra arguments go to `couturier train` (e.g. --minutes 10 --model sngan).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
.venv/bin/couturier train --model dcgan --minutes 3 --out "$out" "$@"
echo "sample grid: $(pwd)/$out/samples.png"
