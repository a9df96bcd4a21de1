"""Trains the default digits model and exports models/digits/.

Run:  /usr/bin/python3 models/train_digits.py

Data: scikit-learn's built-in digits set (1,797 8x8 images, values 0..16),
split 80/20 stratified with a fixed seed.  Inputs are pixel/16 so ink = 1.0
and background = 0.0.  Training augments each batch (scale, rotation, shift
on a 32x32 upsampled copy followed by 4x4 area down-sampling, blur, stroke
intensity and background jitter, noise) so that photos of dark digits on
white paper, converted as the serving side does (luminance -> 8x8 area
resize -> 1 - v/255), are classified too.

Writes digits/1/model.onnx, digits/model.json and digits/samples/<d>.png
(64x64 grayscale, black digit on white, nearest-neighbour upscales of
held-out test images) and checks each sample through the serving-side
preprocessing.  Seeded; a run takes about a minute on two CPU cores.
"""

import json
import math
import os
import random
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import onnx_eval  # noqa: E402

SEED = 7
EPOCHS, BATCH, LR = 60, 64, 2e-3
OPSET = 14
OUT_DIR = os.path.join(HERE, "digits")
SAMPLE_SIZE = 64


class DigitsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 2 * 2, 128)
        self.out = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.max_pool2d(F.relu(self.c2(x)), 2)   # 4x4
        x = F.max_pool2d(F.relu(self.c3(x)), 2)   # 2x2
        x = torch.flatten(x, 1)
        return self.out(self.drop(F.relu(self.fc(x))))


def augment(x, gen):
    """x: [n,1,8,8] in 0..1.  Random geometry/intensity changes, returns same shape."""
    n = x.shape[0]
    big = F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False)
    scale = torch.empty(n).uniform_(0.75, 1.12, generator=gen)
    aspect = torch.empty(n).uniform_(0.88, 1.12, generator=gen)
    angle = torch.empty(n).uniform_(-12, 12, generator=gen) * math.pi / 180
    shear = torch.empty(n).uniform_(-0.15, 0.15, generator=gen)
    tx = torch.empty(n).uniform_(-0.15, 0.15, generator=gen)
    ty = torch.empty(n).uniform_(-0.15, 0.15, generator=gen)
    cos, sin = torch.cos(angle), torch.sin(angle)
    sx, sy = 1 / (scale * aspect), aspect / scale      # grid maps output -> input
    theta = torch.stack([torch.stack([cos * sx, -sin * sx + shear, tx], 1),
                         torch.stack([sin * sy, cos * sy, ty], 1)], 1)
    grid = F.affine_grid(theta, big.shape, align_corners=False)
    big = F.grid_sample(big, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # stroke thickness: blend with a dilated or eroded copy
    k = torch.rand(n, 1, 1, 1, generator=gen)
    dil = F.max_pool2d(big, 3, 1, 1)
    ero = -F.max_pool2d(-big, 3, 1, 1)
    w = torch.rand(n, 1, 1, 1, generator=gen) * 0.6
    big = torch.where(k < 0.3, big * (1 - w) + dil * w, torch.where(k < 0.5, big * (1 - w) + ero * w, big))
    small = F.avg_pool2d(big, 4)                         # area down-sampling to 8x8
    blur = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float32).view(1, 1, 3, 3) / 16
    bmask = (torch.rand(n, 1, 1, 1, generator=gen) < 0.25).float()
    small = bmask * F.conv2d(small, blur, padding=1) + (1 - bmask) * small
    # ink strength, paper brightness, contrast, noise
    peak = small.amax(dim=(2, 3), keepdim=True).clamp(min=1e-3)
    small = small / peak * torch.empty(n, 1, 1, 1).uniform_(0.55, 1.0, generator=gen)
    bg = torch.empty(n, 1, 1, 1).uniform_(0, 0.2, generator=gen) * \
        (torch.rand(n, 1, 1, 1, generator=gen) < 0.4).float()
    small = bg + (1 - bg) * small
    small = small + torch.randn(small.shape, generator=gen) * 0.03
    return small.clamp(0, 1)


def serving_preprocess(img):
    """Serving-side conversion of a picture to the model input:
    luminance grayscale -> 8x8 area (box) resize -> v = 1 - gray/255."""
    from PIL import Image
    gray = img.convert("RGB").convert("L")   # ITU-R 601-2 luma: 0.299 R + 0.587 G + 0.114 B
    small = gray.resize((8, 8), Image.BOX)
    v = 1.0 - np.asarray(small, dtype=np.float32) / 255.0
    return v.reshape(1, 1, 8, 8)


def area_resize(gray, size=8):
    """NumPy box-filter resize (same as PIL BOX when the factor is an integer)."""
    h, w = gray.shape
    return gray.reshape(size, h // size, size, w // size).mean(axis=(1, 3))


def main():
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    y = d.target.astype(np.int64)
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=0.2, stratify=y, random_state=SEED)
    xtr, ytr = torch.from_numpy(x[tr]), torch.from_numpy(y[tr])
    xte, yte = torch.from_numpy(x[te]), torch.from_numpy(y[te])
    print("train %d, test %d" % (len(tr), len(te)))

    model = DigitsCnn()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-3)
    steps = EPOCHS * math.ceil(len(tr) / BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps, pct_start=0.15)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(tr), generator=gen)
        loss_sum = 0.0
        for i in range(0, len(tr), BATCH):
            b = perm[i: i + BATCH]
            xb = xtr[b]
            keep = (torch.rand(len(b), 1, 1, 1, generator=gen) < 0.2).float()  # some clean images
            xb = keep * xb + (1 - keep) * augment(xb, gen)
            loss = F.cross_entropy(model(xb), ytr[b], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(b)
        if epoch % 10 == 9:
            print("epoch %2d  loss %.4f" % (epoch + 1, loss_sum / len(tr)))

    model.eval()
    with torch.no_grad():
        test_acc = (model(xte).argmax(1) == yte).float().mean().item()
        g2 = torch.Generator().manual_seed(SEED + 1)
        aug_acc = np.mean([(model(augment(xte, g2)).argmax(1) == yte).float().mean().item()
                           for _ in range(5)])
    print("TEST accuracy %.4f (%d images)" % (test_acc, len(te)))
    print("test accuracy on augmented test images %.4f" % aug_acc)

    export(model, xte)
    write_samples(model, x, y, te)
    dump(os.path.join(OUT_DIR, "model.json"), {
        "task": "image-classification",
        "description": "Handwritten digits 0-9 (8x8 grayscale); trained by models/train_digits.py "
                       "on scikit-learn's digits data set",
        "labels": [str(i) for i in range(10)],
        "outputKind": "logits",
        "image": {"width": 8, "height": 8, "channels": 1, "layout": "nchw", "resize": "stretch",
                  "invert": True, "mean": [0.0], "std": [1.0]},
    })
    print("wrote", OUT_DIR)


def export(model, xte):
    path = os.path.join(OUT_DIR, "1", "model.onnx")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(model, (xte[:2],), path, opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    batch = xte[:37].numpy()
    with torch.no_grad():
        ref = model(torch.from_numpy(batch)).numpy()
    got = onnx_eval.run(path, {"input": batch})[0]
    assert got.shape == (37, 10) and got.dtype == np.float32
    assert np.allclose(ref, got, atol=1e-4), np.abs(ref - got).max()
    print("onnx: checker ok, max |torch - onnx| = %.2e, %d bytes" % (np.abs(ref - got).max(),
                                                                     os.path.getsize(path)))


def write_samples(model, x, y, te):
    from PIL import Image
    sample_dir = os.path.join(OUT_DIR, "samples")
    os.makedirs(sample_dir, exist_ok=True)
    onnx_path = os.path.join(OUT_DIR, "1", "model.onnx")
    for digit in range(10):
        # first held-out image of this digit that the model gets right confidently
        for i in te:
            if y[i] != digit:
                continue
            gray = np.round(255.0 * (1.0 - x[i, 0])).astype(np.uint8)   # black ink on white
            img = Image.fromarray(gray, "L").resize((SAMPLE_SIZE, SAMPLE_SIZE), Image.NEAREST)
            inp = serving_preprocess(img)
            assert np.allclose(inp[0, 0], 1.0 - area_resize(np.asarray(img, np.float32)) / 255.0)
            with torch.no_grad():
                p = torch.softmax(model(torch.from_numpy(inp)), 1)[0]
            if int(p.argmax()) == digit and float(p.max()) > 0.9:
                break
        else:
            raise RuntimeError("no sample for %d" % digit)
        path = os.path.join(sample_dir, "%d.png" % digit)
        img.save(path, optimize=True)
        # re-read the file and run the exported graph on it
        with Image.open(path) as reread:
            inp = serving_preprocess(reread)
        logits = onnx_eval.run(onnx_path, {"input": inp})[0][0]
        checks = []
        with Image.open(path) as reread:   # other common down-sampling filters
            for name, flt in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC),
                              ("nearest", Image.NEAREST)):
                v = 1.0 - np.asarray(reread.convert("L").resize((8, 8), flt), np.float32) / 255.0
                with torch.no_grad():
                    checks.append("%s=%d" % (name, int(model(torch.from_numpy(v.reshape(1, 1, 8, 8))).argmax())))
        assert int(np.argmax(logits)) == digit
        print("sample %s: test index %d, onnx predicts %d (p=%.3f); %s" % (
            os.path.relpath(path, HERE), i, int(np.argmax(logits)), float(p.max()), " ".join(checks)))


def dump(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
