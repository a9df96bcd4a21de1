"""BERT uncased WordPiece tokenizer (BasicTokenizer + WordpieceTokenizer).

Behaves like Hugging Face ``BertTokenizer(do_lower_case=True)`` and the
``Microsoft.ML.Tokenizers`` BertTokenizer with lower-casing enabled:

1. clean: drop U+0000, U+FFFD and control characters (Cc, Cf); every whitespace
   character becomes a plain space;
2. CJK ideographs are surrounded by spaces;
3. split on whitespace; each word is lower-cased, NFD-normalised and its
   combining marks (category Mn) removed;
4. each punctuation character becomes its own token (ASCII 33-47, 58-64,
   91-96, 123-126, and every Unicode category starting with "P");
5. WordPiece: greedy longest-match-first, continuation pieces prefixed with
   "##"; a word longer than 100 characters, or one that cannot be covered
   by vocabulary pieces, becomes [UNK];
6. the sequence is [CLS] tokens [SEP], truncated so that it holds at most
   ``max_length`` ids including the two special tokens.
"""

import unicodedata

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIAL_TOKENS = [PAD, UNK, CLS, SEP, MASK]
MAX_CHARS_PER_WORD = 100


def _is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF
            or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text):
    """Clean, lower-case, strip accents and split on whitespace/punctuation."""
    chars = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            chars.append(" ")
        elif _is_cjk(cp):
            chars.extend((" ", ch, " "))
        else:
            chars.append(ch)
    tokens = []
    for word in "".join(chars).split():
        word = unicodedata.normalize("NFD", word.lower())
        word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        current = []
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    tokens.append("".join(current))
                    current = []
                tokens.append(ch)
            else:
                current.append(ch)
        if current:
            tokens.append("".join(current))
    return tokens


def wordpiece(word, vocab, exclude_whole=False):
    """Greedy longest-match-first WordPiece for one basic token.

    ``exclude_whole`` forbids matching the entire word as one piece (used only
    as a training-time augmentation so sub-word pieces get trained).
    """
    if len(word) > MAX_CHARS_PER_WORD:
        return [UNK]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        piece = None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = "##" + sub
            if sub in vocab and not (exclude_whole and start == 0 and end == len(word)):
                piece = sub
                break
            end -= 1
        if piece is None:
            return [UNK]
        pieces.append(piece)
        start = end
    return pieces


def load_vocab(path):
    vocab = {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            vocab[line.rstrip("\n")] = i
    return vocab


class BertTokenizer:
    def __init__(self, vocab, max_length=128):
        self.vocab = vocab
        self.max_length = max_length

    def tokenize(self, text):
        out = []
        for word in basic_tokenize(text):
            out.extend(wordpiece(word, self.vocab))
        return out

    def encode(self, text):
        tokens = self.tokenize(text)[: self.max_length - 2]
        return [self.vocab[CLS]] + [self.vocab.get(t, self.vocab[UNK]) for t in tokens] + [self.vocab[SEP]]
