"""Writes tiny Hugging Face-style text models with seeded weights, and the answers they must give.

Run with Debian's /usr/bin/python3 (python3-torch, python3-onnx):  /usr/bin/python3 make_hf_models.py

Each model is a folder as Hugging Face Optimum exports it, without model.json: <name>/1/model.onnx and
<name>/1/config.json. The tokenizer files are not here: the tests link them from ../shared/tokenizers/ (bert,
roberta, t5). The models hash token ids into 97 buckets, so they stay a few KB whatever the vocabulary.

expected-outputs.json holds what each model answers for the token ids of ../tokenizers/expected-ids.json (Hugging
Face's ids, from transformers.js): computed here with PyTorch from those ids, independently of the server, which
tokenizes the texts itself and runs the ONNX files with ONNX Runtime.
"""
import json
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BUCKETS = 97
POSITIONS = 16
HIDDEN = 8


class TinyEncoder(nn.Module):
    """Bucketed token embeddings (+ positions, + segments), one tanh layer; a mean-pooled linear head if it classifies."""

    def __init__(self, seed, labels=0, token_types=False):
        super().__init__()
        torch.manual_seed(seed)
        self.tokens = nn.Embedding(BUCKETS, HIDDEN)
        self.positions = nn.Embedding(POSITIONS, HIDDEN)
        self.segments = nn.Embedding(2, HIDDEN) if token_types else None
        self.mix = nn.Linear(HIDDEN, HIDDEN)
        self.head = nn.Linear(HIDDEN, labels) if labels else None

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0) % POSITIONS
        states = self.tokens(input_ids % BUCKETS) + self.positions(positions)
        if self.segments is not None:
            states = states + self.segments(token_type_ids)
        states = torch.tanh(self.mix(states))
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        if self.head is None:
            # Padding positions carry zeros, as an encoder's masked states are ignored anyway.
            return states * mask
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.head(pooled)


def export(name, model, config, token_types):
    folder = os.path.join(HERE, name, "1")
    os.makedirs(folder, exist_ok=True)
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if token_types else [])
    output = "logits" if model.head is not None else "last_hidden_state"
    sample = tuple(torch.ones(1, 5, dtype=torch.long) for _ in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes[output] = {0: "batch"} if model.head is not None else {0: "batch", 1: "sequence"}
    torch.onnx.export(model.eval(), sample, os.path.join(folder, "model.onnx"), input_names=names, output_names=[output],
                      dynamic_axes=axes, opset_version=14)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def run(model, ids, types=None):
    input_ids = torch.tensor([ids])
    mask = torch.ones_like(input_ids)
    with torch.no_grad():
        return model(input_ids, mask, torch.tensor([types]) if types is not None else None)[0]


def labels_config(architecture, model_type, labels, **extra):
    return {"architectures": [architecture], "model_type": model_type, "id2label": {str(i): l for i, l in enumerate(labels)},
            "label2id": {l: i for i, l in enumerate(labels)}, **extra}


def single_texts(cases):
    return [c for c in cases if c["textPair"] is None and not c["truncation"]]


def main():
    with open(os.path.join(HERE, "..", "tokenizers", "expected-ids.json")) as f:
        reference = json.load(f)
    families = reference["families"]
    expected = {}

    sentiment = ["NEGATIVE", "NEUTRAL", "POSITIVE"]
    classifier = TinyEncoder(seed=21, labels=3)
    export("hf-sentiment-roberta", classifier,
           labels_config("RobertaForSequenceClassification", "roberta", sentiment, max_position_embeddings=514), False)
    expected["hf-sentiment-roberta"] = [
        {"text": c["text"], "scores": torch.softmax(run(classifier, c["inputIds"]), -1).tolist()}
        for c in single_texts(families["roberta"])]

    topics = ["sports", "politics", "science", "arts"]
    multi = TinyEncoder(seed=3, labels=4)
    export("hf-topics-t5", multi, labels_config("T5ForSequenceClassification", "t5", topics,
                                                problem_type="multi_label_classification"), False)
    expected["hf-topics-t5"] = [
        {"text": c["text"], "scores": torch.sigmoid(run(multi, c["inputIds"])).tolist()} for c in single_texts(families["t5"])]

    nli_labels = ["contradiction", "neutral", "entailment"]
    nli = TinyEncoder(seed=4, labels=3, token_types=True)
    export("hf-nli-bert", nli, labels_config("BertForSequenceClassification", "bert", nli_labels), True)
    zero_shot = []
    for case in reference["zeroShot"]:
        logits = torch.stack([run(nli, p["inputIds"], p["tokenTypeIds"]) for p in case["pairs"]])
        # Hugging Face's zero-shot pipeline: softmax over the entailment logits of all hypotheses, or (multi-label)
        # per hypothesis over contradiction vs entailment.
        single = torch.softmax(logits[:, 2], 0).tolist()
        multi_label = torch.softmax(logits[:, [0, 2]], -1)[:, 1].tolist()
        zero_shot.append({"text": case["text"], "candidateLabels": case["candidateLabels"],
                          "hypothesisTemplate": case["hypothesisTemplate"], "scores": single, "multiLabelScores": multi_label})
    expected["hf-nli-bert"] = zero_shot

    encoder = TinyEncoder(seed=5)
    export("hf-encoder-bert", encoder, {"architectures": ["BertModel"], "model_type": "bert", "max_position_embeddings": 512}, False)
    embeddings = []
    for c in single_texts(families["bert"]):
        states = run(encoder, c["inputIds"])
        mean, cls = states.mean(0), states[0]
        embeddings.append({"text": c["text"], "mean": mean.tolist(), "cls": cls.tolist(),
                           "meanNormalized": (mean / mean.norm()).tolist()})
    expected["hf-encoder-bert"] = embeddings

    with open(os.path.join(HERE, "expected-outputs.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
