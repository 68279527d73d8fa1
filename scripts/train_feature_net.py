"""Train the Fashion-MNIST feature network shipped in couturier/metrics/weights/.

Reproducible: fixed seed, fixed schedule, the training split only (the test split is used
once, to report accuracy). Writes the weights as float16 safetensors and prints their
SHA-256 for couturier/metrics/features.py.

    .venv/bin/python scripts/train_feature_net.py [--epochs 12] [--out FILE]
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from tqdm import tqdm

from couturier.data.fashion_mnist import load_fashion_mnist
from couturier.fileio import atomic_path
from couturier.metrics.features import WEIGHTS, FashionClassifier, sha256_of


def to_tensor(images):
    return torch.from_numpy(images.copy()).float().div_(127.5).sub_(1.0).unsqueeze(1)


def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random horizontal flips and shifts of up to 2 pixels: garments stay garments."""
    flip = torch.rand(x.shape[0], generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (2, 2, 2, 2), value=-1.0)
    dy, dx = torch.randint(0, 5, (2,), generator=generator).tolist()  # one shift per batch: cheap
    return padded[:, :, dy:dy + 28, dx:dx + 28]


@torch.no_grad()
def accuracy(model, x, y) -> float:
    model.eval()
    correct = sum((model(x[i:i + 2000]).argmax(1) == y[i:i + 2000]).sum().item() for i in range(0, len(x), 2000))
    return correct / len(x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(WEIGHTS))
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    train_x, train_y = load_fashion_mnist("train")
    test_x, test_y = load_fashion_mnist("test")
    x, y = to_tensor(train_x), torch.from_numpy(train_y.astype("int64"))
    tx, ty = to_tensor(test_x), torch.from_numpy(test_y.astype("int64"))

    model = FashionClassifier()
    steps_per_epoch = len(x) // args.batch_size
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 4e-3, total_steps=args.epochs * steps_per_epoch)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{args.epochs}", unit="batch")
        for i in bar:
            ids = order[i * args.batch_size:(i + 1) * args.batch_size]
            loss = F.cross_entropy(model(augment(x[ids], generator)), y[ids], label_smoothing=0.05)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            if i % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
    test_accuracy = accuracy(model, tx, ty)
    state = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in model.state_dict().items()}
    with atomic_path(args.out) as tmp:
        save_file(state, str(tmp), metadata={"test_accuracy": f"{test_accuracy:.4f}", "seed": str(args.seed),
                                             "epochs": str(args.epochs)})
    print(f"test accuracy {test_accuracy:.4f} after {args.epochs} epochs in {time.time() - start:.0f}s; "
          f"wrote {args.out} (sha256 {sha256_of(__import__('pathlib').Path(args.out))})")


if __name__ == "__main__":
    main()
