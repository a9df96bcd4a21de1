"""Builds the DistilBERT-shaped benchmark model (random weights) for Inference.Benchmarks.

Run:  /usr/bin/python3 Inference.Benchmarks/make_distilbert.py [cache-root]

Default cache root: <repository>/.cache/benchmark-models (ignored by git). Writes
  distilbert/model.json
  distilbert/1/model.onnx   DistilBERT-base shape: 6 layers, hidden 768, 12 heads,
                            FFN 3072, vocab 30522, 128 positions, 2-class head
  distilbert/1/vocab.txt    30522 lines in BERT's layout
The weights are random (seeded): the model measures speed, its labels mean nothing.
Needs PyTorch 1.13 and onnx (Debian: python3-torch python3-onnx); under half a minute
on two CPU cores.
"""

import json
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(HERE)
SEED = 42
LAYERS, HIDDEN, HEADS, FFN = 6, 768, 12, 3072
VOCAB_SIZE, MAX_POSITIONS = 30522, 128
LABELS = ["negative", "positive"]
# opset 17 is the newest torch 1.13 exports; it keeps LayerNormalization as one operator.
OPSET = 17
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_lin = nn.Linear(HIDDEN, HIDDEN)
        self.k_lin = nn.Linear(HIDDEN, HIDDEN)
        self.v_lin = nn.Linear(HIDDEN, HIDDEN)
        self.out_lin = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, x, additive_mask):
        batch, length, _ = x.shape
        head_size = HIDDEN // HEADS

        def split(t):
            return t.view(batch, length, HEADS, head_size).transpose(1, 2)

        q = split(self.q_lin(x)) / head_size ** 0.5
        k, v = split(self.k_lin(x)), split(self.v_lin(x))
        scores = torch.matmul(q, k.transpose(2, 3)) + additive_mask
        context = torch.matmul(F.softmax(scores, dim=-1), v)
        return self.out_lin(context.transpose(1, 2).reshape(batch, length, HIDDEN))


class TransformerBlock(nn.Module):
    """DistilBERT's post-norm block: attention, add & norm, GELU feed-forward, add & norm."""

    def __init__(self):
        super().__init__()
        self.attention = SelfAttention()
        self.sa_layer_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.lin1 = nn.Linear(HIDDEN, FFN)
        self.lin2 = nn.Linear(FFN, HIDDEN)
        self.output_layer_norm = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x, additive_mask):
        x = self.sa_layer_norm(x + self.attention(x, additive_mask))
        return self.output_layer_norm(x + self.lin2(F.gelu(self.lin1(x))))


class DistilBertShapedClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB_SIZE, HIDDEN, padding_idx=0)
        self.position_embeddings = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.embedding_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(TransformerBlock() for _ in range(LAYERS))
        self.pre_classifier = nn.Linear(HIDDEN, HIDDEN)
        self.classifier = nn.Linear(HIDDEN, len(LABELS))
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=0.02)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.embedding_norm(self.word_embeddings(input_ids) + self.position_embeddings(positions))
        # Padding gets a large negative score before softmax, so real tokens never attend to it.
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e9
        for layer in self.layers:
            x = layer(x, additive_mask)
        pooled = F.relu(self.pre_classifier(x[:, 0]))
        return self.classifier(pooled)


def write_vocabulary(path):
    """BERT's layout: [PAD] 0, [unused0-98], [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103, then words."""
    tokens = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(os.path.join(REPOSITORY, "models", "sentiment", "1", "vocab.txt"), encoding="utf-8") as source:
        words = [line.rstrip("\n") for line in source]
    tokens += [word for word in words if word and word not in SPECIAL_TOKENS]
    unused = 99
    while len(tokens) < VOCAB_SIZE:
        tokens.append(f"[unused{unused}]")
        unused += 1
    assert len(tokens) == VOCAB_SIZE and len(set(tokens)) == VOCAB_SIZE
    with open(path, "w", encoding="utf-8") as target:
        target.write("\n".join(tokens) + "\n")


def check_padding_is_masked(model):
    torch.manual_seed(SEED + 1)
    ids = torch.randint(1000, VOCAB_SIZE, (1, 20))
    alone = model(ids, torch.ones_like(ids))
    padded_ids = F.pad(ids, (0, 12))
    padded_mask = F.pad(torch.ones_like(ids), (0, 12))
    padded = model(padded_ids, padded_mask)
    difference = (alone - padded).abs().max().item()
    assert difference < 1e-4, f"padding changes the logits by {difference}"
    return difference


def main():
    cache_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPOSITORY, ".cache", "benchmark-models")
    model_folder = os.path.join(cache_root, "distilbert")
    version_folder = os.path.join(model_folder, "1")
    os.makedirs(version_folder, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(os.cpu_count() or 1)

    model = DistilBertShapedClassifier().eval()
    with torch.no_grad():
        difference = check_padding_is_masked(model)
        print(f"padding check: max logit difference {difference:.2e}")
        ids = torch.randint(1000, VOCAB_SIZE, (2, 16))
        onnx_path = os.path.join(version_folder, "model.onnx")
        # Written under a temporary name so an interrupted export never looks like a finished model.
        partial_path = onnx_path + ".partial"
        torch.onnx.export(
            model, (ids, torch.ones_like(ids)), partial_path, opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                          "attention_mask": {0: "batch", 1: "sequence"},
                          "logits": {0: "batch"}},
            do_constant_folding=True)
    onnx.checker.check_model(onnx.load(partial_path), full_check=True)

    write_vocabulary(os.path.join(version_folder, "vocab.txt"))
    with open(os.path.join(model_folder, "model.json"), "w", encoding="utf-8") as config:
        json.dump({"task": "text-classification", "labels": LABELS,
                   "text": {"vocabFile": "vocab.txt", "lowercase": True, "maxSequenceLength": MAX_POSITIONS}},
                  config)
    os.replace(partial_path, onnx_path)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.0f} MB, {parameters / 1e6:.1f}M parameters)")


if __name__ == "__main__":
    main()
