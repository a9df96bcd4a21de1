"""The Python peer of the benchmark: the DistilBERT-shaped classifier served the way a plain Python stack serves it.

FastAPI + uvicorn + PyTorch on the CPU, one worker, one request at a time under a lock, no batching: the usual
"model behind a Flask/FastAPI route" deployment the platform is compared with.

Run:  /usr/bin/python3 Inference.Benchmarks/python_peer/serve.py <cache-root> [--port 8090]

Needs Debian's python3-torch (1.13), python3-fastapi and python3-uvicorn. The weights are the benchmark model's:
built by make_distilbert.py's own classes from the same seed, so they equal the ONNX file's. Texts are tokenized
with models/bert_tokenizer.py against the model's vocab.txt (BERT uncased WordPiece, as the API tokenizes them).

Routes: GET /health (200 once the model answers), POST /api/predict/text {"text": "..."} (other fields, such as
"model", are ignored) -> {"label", "score", "inferenceTimeMs"}.
"""

import argparse
import os
import sys
import threading
import time

import torch
import torch.nn.functional as F
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPOSITORY, "models"))

import make_distilbert  # noqa: E402  (the benchmark model's definition and seed)
from bert_tokenizer import BertTokenizer, load_vocab  # noqa: E402


class TextRequest(BaseModel):
    text: str


def build_model():
    """The same construction as make_distilbert.main(): same seed, same order of parameter initialisation."""
    torch.manual_seed(make_distilbert.SEED)
    return make_distilbert.DistilBertShapedClassifier().eval()


def create_app(cache_root):
    vocabulary = os.path.join(cache_root, "distilbert", "1", "vocab.txt")
    tokenizer = BertTokenizer(load_vocab(vocabulary), max_length=make_distilbert.MAX_POSITIONS)
    model = build_model()
    lock = threading.Lock()
    app = FastAPI()

    def classify(text):
        ids = torch.tensor([tokenizer.encode(text)])
        with lock, torch.no_grad():
            started = time.perf_counter()
            logits = model(ids, torch.ones_like(ids))
            elapsed = (time.perf_counter() - started) * 1000
        probabilities = F.softmax(logits[0], dim=-1)
        index = int(probabilities.argmax())
        return {"label": make_distilbert.LABELS[index], "score": float(probabilities[index]), "inferenceTimeMs": elapsed}

    # A plain def route: FastAPI runs it on its thread pool, and the lock keeps one inference at a time.
    @app.post("/api/predict/text")
    def predict(request: TextRequest):
        if not request.text:
            raise HTTPException(status_code=400, detail="text must not be empty")
        return classify(request.text)

    @app.get("/health")
    def health():
        return {"status": "Healthy"}

    classify("warm up the model")
    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache_root", help="the benchmark's model cache (holds distilbert/1/vocab.txt)")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="PyTorch intra-op threads")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    uvicorn.run(create_app(arguments.cache_root), host="127.0.0.1", port=arguments.port, log_level="warning", workers=1)


if __name__ == "__main__":
    main()
