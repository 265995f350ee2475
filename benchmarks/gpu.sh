#!/usr/bin/env bash
# The GPU measurement, on a box with a GPU and no network: one training epoch of ResNet-50 + a DistilBERT-sized text
# tower at 224 px (random weights: nothing to download), the standard pipeline against the fast one (decoded-image cache,
# crops on the GPU, bf16, channels_last), on Flickr8k when its folder is given, else on synthetic JPEGs of Flickr8k's size
# and count. Prints seconds per epoch, pairs/s and the device's name, and appends a row to benchmarks/RESULTS.md.
#   bash benchmarks/gpu.sh [FLICKR8K_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
python -c "import clip_tutorial" 2>/dev/null || pip install -q --no-deps -e .
python benchmarks/throughput.py --device cuda --model resnet50_offline --image_size 224 --batch_size 256 \
  --num_workers "$(nproc)" ${1:+--data_path "$1"} --results benchmarks/RESULTS.md
