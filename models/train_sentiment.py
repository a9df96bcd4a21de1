"""Trains the default sentiment model and exports models/sentiment/1/.

Run:  /usr/bin/python3 models/train_sentiment.py

Reads models/data/sentiment.tsv (training) and models/data/sentiment_heldout.tsv
(evaluation only), builds a WordPiece vocabulary from the training split,
trains a small dilated convolutional network, prints held-out accuracy and sanity
predictions, and writes model.onnx, vocab.txt, config.json,
tokenizer_config.json plus models/sentiment/model.json.
Seeded; a run takes a few minutes on two CPU cores.
"""

import collections
import json
import math
import os
import random
import string
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_tokenizer as bt  # noqa: E402
import onnx_eval  # noqa: E402
from sentiment_data import HANDWRITTEN  # noqa: E402

SEED = 7
MAX_LEN = 128
DIM, DILATIONS = 128, (1, 2, 4)
EPOCHS, BATCH, LR = 30, 32, 2e-3
SUBWORD_AUG, UNK_AUG = 0.08, 0.03
OPSET = 14
LABELS = ["negative", "positive"]
SUFFIXES = ["s", "es", "ed", "d", "ing", "ly", "er", "est", "y", "ness", "ful",
            "less", "able", "ment", "ion", "tion", "al", "ish", "ous", "ive", "ity", "ise",
            "ize", "en", "ers", "ings", "ally", "ies", "ied"]
OUT_DIR = os.path.join(HERE, "sentiment")
VERSION_DIR = os.path.join(OUT_DIR, "1")
SANITY = [
    "This movie was absolutely wonderful, I loved every minute of it.",
    "Terrible product. It broke after two days and support never answered.",
    "I love this phone, the battery lasts all day",
    "The worst service I have ever had",
    "The food was cold but the staff were lovely, overall great.",
    "It wasn't bad at all.",
    "Not good.",
    "I was never disappointed.",
    "I didn't love it.",
    "Not great, not terrible, but I would not buy it again.",
]


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, text = line.rstrip("\n").split("\t", 1)
            rows.append((LABELS.index(label), text))
    return rows


def build_vocab(texts):
    counts = collections.Counter()
    for t in texts:
        counts.update(bt.basic_tokenize(t))
    singles = list(string.ascii_lowercase) + list(string.digits) + list(string.punctuation)
    words = sorted(counts, key=lambda w: (-counts[w], w))
    cont = ["##" + c for c in string.ascii_lowercase + string.digits] + ["##" + s for s in SUFFIXES]
    vocab = []
    for tok in bt.SPECIAL_TOKENS + singles + words + cont:
        if tok not in vocab and len(tok) <= bt.MAX_CHARS_PER_WORD:
            vocab.append(tok)
    return {t: i for i, t in enumerate(vocab)}


class SentimentCnn(nn.Module):
    """Token embeddings -> three residual dilated 1-D convolutions (kernel 3,
    dilation 1/2/4: each position sees a 15-token window, enough for local
    negation and contrast words) -> masked mean and max pooling -> linear.

    Padding never leaks into real positions: [PAD] has a zero embedding and
    activations are multiplied by the mask after every layer, which is exactly
    the zero padding the convolutions use at the sequence ends, so padded and
    unpadded inputs give the same logits.  Pooled features are >= 0, so a
    masked max over an all-padding row is 0 rather than -inf.
    """

    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, DIM, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(DIM, DIM, 3, padding=d, dilation=d) for d in DILATIONS)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(2 * DIM, 2)

    def forward(self, input_ids, attention_mask):
        m = attention_mask.to(torch.float32).unsqueeze(1)          # [b,1,t]
        x = self.drop(self.tok(input_ids).transpose(1, 2)) * m      # [b,dim,t]
        for conv in self.convs:
            x = (x + F.relu(conv(self.drop(x)))) * m
        f = F.relu(x) * m
        mean = f.sum(2) / m.sum(2).clamp(min=1.0)
        peak = f.amax(2)
        return self.head(self.drop(torch.cat([mean, peak], 1)))


def encode_words(words, vocab, rng):
    ids = [vocab[bt.CLS]]
    for w in words:
        r = rng.random() if rng else 1.0
        if r < UNK_AUG:
            pieces = [bt.UNK]
        else:
            pieces = bt.wordpiece(w, vocab, exclude_whole=r < UNK_AUG + SUBWORD_AUG)
        ids.extend(vocab.get(p, vocab[bt.UNK]) for p in pieces)
    return ids[: MAX_LEN - 1] + [vocab[bt.SEP]]


def batchify(seqs):
    t = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), t, dtype=torch.long)
    mask = torch.zeros(len(seqs), t, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def fit(model, train, vocab, rng, epochs=EPOCHS):
    words = [bt.basic_tokenize(t) for _, t in train]
    labels = [y for y, _ in train]
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    steps = epochs * math.ceil(len(train) / BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps, pct_start=0.1)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        batches = []  # batches of similar length (less padding, faster on CPU)
        for c in range(0, len(order), BATCH * 16):
            chunk = sorted(order[c: c + BATCH * 16], key=lambda j: len(words[j]))
            batches += [chunk[i: i + BATCH] for i in range(0, len(chunk), BATCH)]
        rng.shuffle(batches)
        total, correct, loss_sum = 0, 0, 0.0
        for idx in batches:
            ids, mask = batchify([encode_words(words[j], vocab, rng) for j in idx])
            y = torch.tensor([labels[j] for j in idx])
            logits = model(ids, mask)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            total += len(idx)
            correct += (logits.argmax(1) == y).sum().item()
        if epoch % 2 == 1 or epoch == epochs - 1:
            print("epoch %2d  loss %.4f  train acc %.4f  (%.0f s)" % (
                epoch + 1, loss_sum / total, correct / total, time.time() - start), flush=True)


def predict(model, tok, texts):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), 256):
            ids, mask = batchify([tok.encode(t) for t in texts[i: i + 256]])
            out.append(model(ids, mask))
    return torch.cat(out)


def main():
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)

    train = read_tsv(os.path.join(HERE, "data", "sentiment.tsv"))
    held = read_tsv(os.path.join(HERE, "data", "sentiment_heldout.tsv"))
    vocab = build_vocab(t for _, t in train)
    tok = bt.BertTokenizer(vocab, MAX_LEN)
    print("train %d, held-out %d, vocab %d" % (len(train), len(held), len(vocab)))

    model = SentimentCnn(len(vocab))
    print("parameters: %d" % sum(p.numel() for p in model.parameters()))
    fit(model, train, vocab, rng)

    model.eval()
    held_pred = predict(model, tok, [t for _, t in held]).argmax(1).tolist()
    held_acc = np.mean([p == y for p, (y, _) in zip(held_pred, held)])
    hw = {t for _, t in HANDWRITTEN}
    hw_idx = [i for i, (_, t) in enumerate(held) if t in hw]
    hw_acc = np.mean([held_pred[i] == held[i][0] for i in hw_idx])
    train_acc = np.mean([p == y for p, (y, _) in zip(
        predict(model, tok, [t for _, t in train]).argmax(1).tolist(), train)])
    print("train accuracy %.4f" % train_acc)
    print("HELD-OUT accuracy %.4f (%d sentences)" % (held_acc, len(held)))
    print("held-out hand-written accuracy %.4f (%d sentences)" % (hw_acc, len(hw_idx)))
    for i in hw_idx:
        if held_pred[i] != held[i][0]:
            print("  missed: [%s] %s" % (LABELS[held[i][0]], held[i][1]))

    print("sanity checks:")
    probs = torch.softmax(predict(model, tok, SANITY), 1)
    for text, p in zip(SANITY, probs):
        print("  %-8s %.3f  %s" % (LABELS[int(p.argmax())], float(p.max()), text))

    # padding must not change the logits
    ids, mask = batchify([tok.encode(t) for t in SANITY])
    with torch.no_grad():
        batched = model(ids, mask)
        single = torch.cat([model(*batchify([tok.encode(t)])) for t in SANITY])
        padded = model(F.pad(ids, (0, 7)), F.pad(mask, (0, 7)))
        empty = model(torch.zeros(1, 5, dtype=torch.long), torch.zeros(1, 5, dtype=torch.long))
    assert torch.allclose(batched, single, atol=1e-4), (batched - single).abs().max()
    assert torch.allclose(batched, padded, atol=1e-4)
    assert torch.isfinite(empty).all()
    print("padding invariance: max diff %.2e" % float(max((batched - single).abs().max(),
                                                         (batched - padded).abs().max())))

    write_outputs(model, vocab, tok, held_acc, hw_acc)


def write_outputs(model, vocab, tok, held_acc, hw_acc):
    os.makedirs(VERSION_DIR, exist_ok=True)
    onnx_path = os.path.join(VERSION_DIR, "model.onnx")
    ids, mask = batchify([tok.encode(t) for t in SANITY[:2]])
    torch.onnx.export(
        model, (ids, mask), onnx_path, opset_version=OPSET,
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                      "attention_mask": {0: "batch", 1: "sequence"},
                      "logits": {0: "batch"}},
        do_constant_folding=True)
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    # compare the exported graph (NumPy interpreter) with PyTorch, padded batch
    ids, mask = batchify([tok.encode(t) for t in SANITY])
    ids, mask = F.pad(ids, (0, 3)), F.pad(mask, (0, 3))
    with torch.no_grad():
        ref = model(ids, mask).numpy()
    got = onnx_eval.run(onnx_path, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    assert got.shape == (len(SANITY), 2) and got.dtype == np.float32
    assert np.allclose(ref, got, atol=1e-4), np.abs(ref - got).max()
    print("onnx: checker ok, max |torch - onnx| = %.2e, %d bytes" % (np.abs(ref - got).max(),
                                                                     os.path.getsize(onnx_path)))

    inv = sorted(vocab, key=vocab.get)
    with open(os.path.join(VERSION_DIR, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(inv) + "\n")
    config = {
        "architectures": ["DilatedCnnForSequenceClassification"],
        "model_type": "dilated-cnn",
        "id2label": {"0": "negative", "1": "positive"},
        "label2id": {"negative": 0, "positive": 1},
        "num_labels": 2,
        "problem_type": "single_label_classification",
        "vocab_size": len(vocab),
        "hidden_size": DIM,
        "num_hidden_layers": len(DILATIONS),
        "conv_kernel_size": 3,
        "conv_dilations": list(DILATIONS),
        "hidden_act": "relu",
        "max_position_embeddings": MAX_LEN,
        "pad_token_id": 0,
        "pooling": "masked_mean_max",
        "heldout_accuracy": round(float(held_acc), 4),
        "heldout_handwritten_accuracy": round(float(hw_acc), 4),
    }
    dump(os.path.join(VERSION_DIR, "config.json"), config)
    dump(os.path.join(VERSION_DIR, "tokenizer_config.json"), {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "do_basic_tokenize": True,
        "model_max_length": MAX_LEN,
        "max_input_chars_per_word": bt.MAX_CHARS_PER_WORD,
        "unk_token": bt.UNK, "sep_token": bt.SEP, "pad_token": bt.PAD,
        "cls_token": bt.CLS, "mask_token": bt.MASK,
    })
    dump(os.path.join(OUT_DIR, "model.json"), {
        "task": "text-classification",
        "description": "Binary sentiment (negative/positive) for English reviews; "
                       "trained by models/train_sentiment.py",
        "labels": LABELS,
        "outputKind": "logits",
        "text": {"vocabFile": "vocab.txt", "lowercase": True, "maxSequenceLength": MAX_LEN},
    })
    print("wrote", OUT_DIR)


def dump(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
