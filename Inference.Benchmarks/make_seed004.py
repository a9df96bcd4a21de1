"""Builds seed 004's four text models at their real sizes (random, seeded weights) for Inference.Benchmarks.

Run:  /usr/bin/python3 Inference.Benchmarks/make_seed004.py [seed004-root]

Default root: <repository>/.cache/benchmark-models/seed004 (ignored by git). Each model is a folder as Hugging
Face Optimum exports it, with no model.json: <name>/1/model.onnx and <name>/1/config.json (architectures,
id2label, problem_type). The benchmark links roberta-base's tokenizer files from ../shared/tokenizers/roberta
beside them. Models:
  seed004-sentiment   RoBERTa-base classifier (negative, neutral, positive)
  seed004-topics      RoBERTa-base multi-label classifier (problem_type multi_label_classification)
  seed004-embeddings  RoBERTa-base encoder (last_hidden_state)
  seed004-zero-shot   BART-large NLI classifier (contradiction, neutral, entailment)
RoBERTa-base: 12 layers, hidden 768, 12 heads, FFN 3072, vocabulary 50265, 514 positions.
BART-large: 12 + 12 layers, hidden 1024, 16 heads, FFN 4096, vocabulary 50265, 1026 positions.
The weights are random: the models measure memory and speed, their answers mean nothing. A model whose
model.onnx exists is kept. Needs PyTorch 1.13 and onnx (Debian: python3-torch python3-onnx).
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
SEED = 4
VOCAB_SIZE, PAD_ID, EOS_ID = 50265, 1, 2
# opset 17 is the newest torch 1.13 exports; it keeps LayerNormalization as one operator.
OPSET = 17


class Attention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_size = heads, hidden // heads
        self.query, self.key, self.value, self.output = (nn.Linear(hidden, hidden) for _ in range(4))

    def forward(self, x, memory, additive_mask):
        def split(t):
            return t.view(t.shape[0], t.shape[1], self.heads, self.head_size).transpose(1, 2)

        q = split(self.query(x)) / self.head_size ** 0.5
        scores = torch.matmul(q, split(self.key(memory)).transpose(2, 3)) + additive_mask
        context = torch.matmul(F.softmax(scores, dim=-1), split(self.value(memory)))
        return self.output(context.transpose(1, 2).reshape(x.shape))


class EncoderLayer(nn.Module):
    """Post-norm, as RoBERTa's and BART's encoder layers are: attention, add & norm, GELU feed-forward, add & norm."""

    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.attention = Attention(hidden, heads)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-5)
        self.up, self.down = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-5)

    def forward(self, x, additive_mask):
        x = self.attention_norm(x + self.attention(x, x, additive_mask))
        return self.output_norm(x + self.down(F.gelu(self.up(x))))


class DecoderLayer(EncoderLayer):
    """BART's decoder layer: causal self-attention, then attention over the encoder's states, then the feed-forward."""

    def __init__(self, hidden, heads, ffn):
        super().__init__(hidden, heads, ffn)
        self.cross_attention = Attention(hidden, heads)
        self.cross_norm = nn.LayerNorm(hidden, eps=1e-5)

    def forward(self, x, causal_mask, memory, memory_mask):
        x = self.attention_norm(x + self.attention(x, x, causal_mask))
        x = self.cross_norm(x + self.cross_attention(x, memory, memory_mask))
        return self.output_norm(x + self.down(F.gelu(self.up(x))))


def padding_mask(attention_mask, dtype):
    # Padding gets a large negative score before softmax, so real tokens never attend to it.
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * -1e9


def init_weights(model):
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)


class Roberta(nn.Module):
    """RoBERTa-base; with labels, RobertaForSequenceClassification's head on <s>, else the token states."""

    HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 768, 12, 12, 3072, 514

    def __init__(self, labels=0):
        super().__init__()
        self.words = nn.Embedding(VOCAB_SIZE, self.HIDDEN, padding_idx=PAD_ID)
        self.positions = nn.Embedding(self.POSITIONS, self.HIDDEN, padding_idx=PAD_ID)
        self.token_types = nn.Embedding(1, self.HIDDEN)
        self.embedding_norm = nn.LayerNorm(self.HIDDEN, eps=1e-5)
        self.layers = nn.ModuleList(EncoderLayer(self.HIDDEN, self.HEADS, self.FFN) for _ in range(self.LAYERS))
        self.dense = nn.Linear(self.HIDDEN, self.HIDDEN) if labels else None
        self.classifier = nn.Linear(self.HIDDEN, labels) if labels else None
        init_weights(self)

    def forward(self, input_ids, attention_mask):
        # RoBERTa numbers positions from padding_idx + 1 and gives padding the padding position.
        real = input_ids.ne(PAD_ID).long()
        positions = torch.cumsum(real, dim=1) * real + PAD_ID
        x = self.words(input_ids) + self.positions(positions) + self.token_types(torch.zeros_like(input_ids))
        x = self.embedding_norm(x)
        mask = padding_mask(attention_mask, x.dtype)
        for layer in self.layers:
            x = layer(x, mask)
        if self.classifier is None:
            return x
        return self.classifier(torch.tanh(self.dense(x[:, 0])))


class BartClassifier(nn.Module):
    """BART-large with BartForSequenceClassification's head on the decoder's state at the last </s>."""

    HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 1024, 12, 16, 4096, 1024
    POSITION_OFFSET = 2  # BART's learned positions start at 2

    def __init__(self, labels):
        super().__init__()
        self.shared = nn.Embedding(VOCAB_SIZE, self.HIDDEN, padding_idx=PAD_ID)
        self.encoder_positions = nn.Embedding(self.POSITIONS + self.POSITION_OFFSET, self.HIDDEN)
        self.decoder_positions = nn.Embedding(self.POSITIONS + self.POSITION_OFFSET, self.HIDDEN)
        self.encoder_norm = nn.LayerNorm(self.HIDDEN, eps=1e-5)
        self.decoder_norm = nn.LayerNorm(self.HIDDEN, eps=1e-5)
        self.encoder = nn.ModuleList(EncoderLayer(self.HIDDEN, self.HEADS, self.FFN) for _ in range(self.LAYERS))
        self.decoder = nn.ModuleList(DecoderLayer(self.HIDDEN, self.HEADS, self.FFN) for _ in range(self.LAYERS))
        self.dense = nn.Linear(self.HIDDEN, self.HIDDEN)
        self.classifier = nn.Linear(self.HIDDEN, labels)
        init_weights(self)

    def embed(self, ids, positions, norm):
        offsets = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0) + self.POSITION_OFFSET
        return norm(self.shared(ids) + positions(offsets))

    def forward(self, input_ids, attention_mask):
        memory = self.embed(input_ids, self.encoder_positions, self.encoder_norm)
        memory_mask = padding_mask(attention_mask, memory.dtype)
        for layer in self.encoder:
            memory = layer(memory, memory_mask)

        # The decoder reads the input shifted right behind </s> (BART's decoder_start_token_id), causally.
        decoder_ids = torch.cat([torch.full_like(input_ids[:, :1], EOS_ID), input_ids[:, :-1]], dim=1)
        x = self.embed(decoder_ids, self.decoder_positions, self.decoder_norm)
        length = input_ids.shape[1]
        causal = torch.triu(torch.full((length, length), -1e9, dtype=x.dtype), diagonal=1)[None, None]
        for layer in self.decoder:
            x = layer(x, causal, memory, memory_mask)

        # The last </s> of each row: with right padding, the one that ends the text.
        order = torch.arange(1, length + 1, device=input_ids.device).unsqueeze(0)
        last_eos = torch.argmax(input_ids.eq(EOS_ID).long() * order, dim=1)
        sentence = x[torch.arange(x.shape[0], device=x.device), last_eos]
        return self.classifier(torch.tanh(self.dense(sentence)))


def roberta_config(architecture, **extra):
    return {"architectures": [architecture], "model_type": "roberta", "vocab_size": VOCAB_SIZE,
            "hidden_size": Roberta.HIDDEN, "num_hidden_layers": Roberta.LAYERS, "num_attention_heads": Roberta.HEADS,
            "intermediate_size": Roberta.FFN, "max_position_embeddings": Roberta.POSITIONS, "type_vocab_size": 1,
            "pad_token_id": PAD_ID, "bos_token_id": 0, "eos_token_id": EOS_ID, **extra}


def bart_config(labels):
    return {"architectures": ["BartForSequenceClassification"], "model_type": "bart", "vocab_size": VOCAB_SIZE,
            "d_model": BartClassifier.HIDDEN, "encoder_layers": BartClassifier.LAYERS,
            "decoder_layers": BartClassifier.LAYERS, "encoder_attention_heads": BartClassifier.HEADS,
            "decoder_attention_heads": BartClassifier.HEADS, "encoder_ffn_dim": BartClassifier.FFN,
            "decoder_ffn_dim": BartClassifier.FFN, "max_position_embeddings": BartClassifier.POSITIONS,
            "pad_token_id": PAD_ID, "bos_token_id": 0, "eos_token_id": EOS_ID, "decoder_start_token_id": EOS_ID,
            **labels_config(labels)}


def labels_config(labels, problem_type="single_label_classification"):
    return {"id2label": {str(i): label for i, label in enumerate(labels)},
            "label2id": {label: i for i, label in enumerate(labels)}, "problem_type": problem_type}


SENTIMENT = ["negative", "neutral", "positive"]
TOPICS = ["billing", "delivery", "product quality", "customer service", "returns", "website"]
NLI = ["contradiction", "neutral", "entailment"]

MODELS = {
    "seed004-sentiment": (lambda: Roberta(len(SENTIMENT)),
                          roberta_config("RobertaForSequenceClassification", **labels_config(SENTIMENT))),
    "seed004-topics": (lambda: Roberta(len(TOPICS)),
                       roberta_config("RobertaForSequenceClassification", **labels_config(TOPICS, "multi_label_classification"))),
    "seed004-embeddings": (lambda: Roberta(), roberta_config("RobertaModel")),
    "seed004-zero-shot": (lambda: BartClassifier(len(NLI)), bart_config(NLI)),
}


def sample_ids(batch, length):
    """<s> words </s>, as the roberta tokenizer writes them."""
    ids = torch.randint(1000, VOCAB_SIZE, (batch, length))
    ids[:, 0], ids[:, -1] = 0, EOS_ID
    return ids


def check_padding_is_masked(model):
    ids = sample_ids(1, 20)
    alone = model(ids, torch.ones_like(ids))
    padded = model(F.pad(ids, (0, 12), value=PAD_ID), F.pad(torch.ones_like(ids), (0, 12)))
    # An encoder's padded rows are ignored by pooling; only the real tokens' states must not move.
    difference = (alone - padded[:, :alone.shape[1]]).abs().max().item()
    assert difference < 1e-3, f"padding changes the outputs by {difference}"
    return difference


def export(name, make_model, config, root, seed):
    version_folder = os.path.join(root, name, "1")
    onnx_path = os.path.join(version_folder, "model.onnx")
    if os.path.exists(onnx_path):
        print(f"{name}: kept {onnx_path}")
        return
    os.makedirs(version_folder, exist_ok=True)
    torch.manual_seed(seed)
    model = make_model().eval()
    output = "logits" if "id2label" in config else "last_hidden_state"
    with torch.no_grad():
        difference = check_padding_is_masked(model)
        ids = sample_ids(2, 16)
        # Written under a temporary name so an interrupted export never looks like a finished model.
        partial_path = onnx_path + ".partial"
        torch.onnx.export(
            model, (ids, torch.ones_like(ids)), partial_path, opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=[output],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                          output: {0: "batch"} if output == "logits" else {0: "batch", 1: "sequence"}},
            do_constant_folding=True)
    # Checked by path: the largest model is too big for the in-memory checker's protobuf copy to be cheap.
    onnx.checker.check_model(partial_path, full_check=True)
    with open(os.path.join(version_folder, "config.json"), "w", encoding="utf-8") as target:
        json.dump(config, target, indent=2)
        target.write("\n")
    os.replace(partial_path, onnx_path)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{name}: wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.0f} MB, {parameters / 1e6:.1f}M parameters, "
          f"padding check {difference:.1e})", flush=True)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPOSITORY, ".cache", "benchmark-models", "seed004")
    torch.set_num_threads(os.cpu_count() or 1)
    for index, (name, (make_model, config)) in enumerate(MODELS.items()):
        export(name, make_model, config, root, SEED + index)


if __name__ == "__main__":
    main()
