"""Writes the sentiment data set: models/data/sentiment.tsv (training) and
models/data/sentiment_heldout.tsv (held-out).

Run:  /usr/bin/python3 models/sentiment_data.py

Each line is ``label<TAB>text`` (no header), label is ``negative`` or
``positive``.  Sentences come from templates with many slot fillers
(sentiment_templates.py) plus the hand-written reviews in
data/handwritten_reviews.tsv.  Generation is seeded, so the files are
reproducible.  The held-out split shares no sentence with the training split
and additionally uses slot fillers, connectors and templates that never occur
in training (the ``HELDOUT_ONLY`` entries), so held-out accuracy measures
generalisation rather than memorisation.
"""

import os
import random

from sentiment_templates import (
    CONTRAST_HELDOUT, CONTRAST_TRAIN, DOMAINS, EXPERIENCE, FEEL_NEG, FEEL_POS,
    FLIP_TAIL, FLIPPABLE_NEG, GENERAL_NEG_EVENTS, GENERAL_POS_EVENTS, HELDOUT_ITEMS,
    IDIOMS_NEG, IDIOMS_POS, INTENS_HELDOUT, INTENS_TRAIN, JOIN_HELDOUT, JOIN_TRAIN,
    MILD_NEG, MILD_POS, NEGATED_LIKE, OVERALL_PRE_HELDOUT, OVERALL_PRE_TRAIN,
    RECOMMEND_NEG, RECOMMEND_POS, STRONG_NEG, STRONG_POS, VERB_NEG, VERB_NEG_PRES,
    VERB_POS, VERB_POS_PRES, WEAK_NEG_INTENS)

SEED = 1234
N_TRAIN_GENERATED = 4200
N_HELDOUT_GENERATED = 800
HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")
HANDWRITTEN_PATH = os.path.join(DATA_DIR, "handwritten_reviews.tsv")

POS, NEG = 1, -1


# ---------------------------------------------------------------- generator
class Gen:
    def __init__(self, rng, heldout):
        self.r = rng
        self.heldout = heldout
        self.intens = INTENS_TRAIN + (INTENS_HELDOUT * 3 if heldout else [])

    def pick(self, seq):
        return self.r.choice(seq)

    def domain(self):
        return self.pick(list(DOMAINS))

    def item(self, d):
        items = DOMAINS[d]["items"]
        if self.heldout and self.r.random() < 0.5:
            return self.pick(sorted(HELDOUT_ITEMS[d]))
        return self.pick([i for i in items if i not in HELDOUT_ITEMS[d]])

    def aspect(self, d):
        return self.pick(DOMAINS[d]["aspects"])

    def adj(self, d, pol, strength=None, attributive=False):
        """attributive: only adjectives that can stand before a noun."""
        if pol == POS:
            pools = [STRONG_POS, MILD_POS, DOMAINS[d]["pos"]]
        else:
            pools = [STRONG_NEG, MILD_NEG, DOMAINS[d]["neg"]]
        if strength == "strong":
            pools = pools[:1]
        while True:
            a = self.pick(self.pick(pools))
            if not attributive or is_attributive(a):
                return a

    def intens_adj(self, d, pol):
        a = self.adj(d, pol)
        return (self.pick(self.intens) if is_attributive(a) else "") + a

    def be(self, plural, negated=False):
        past = self.r.random() < 0.65
        if not negated:
            return ("were" if plural else "was") if past else ("are" if plural else "is")
        if plural:
            return self.pick(["were not", "weren't"] if past else ["are not", "aren't"])
        return self.pick(["was not", "wasn't"] if past else ["is not", "isn't"])

    def subject(self, d):
        k = self.r.random()
        if k < 0.35:
            return "this " + self.item(d), False
        if k < 0.55:
            return "the " + self.item(d), False
        if k < 0.8:
            return "it", False
        noun, plural = self.aspect(d)
        return "the " + noun, plural

    # ------------------------------------------------ clauses: (text, pol)
    def c_adj(self, d, pol):
        subj, plural = self.subject(d)
        be = self.be(plural)
        if subj == "it" and be in ("is", "was") and self.r.random() < 0.3:
            be = "it's" if be == "is" else "it was"
            return "%s %s" % (be, self.intens_adj(d, pol)), pol
        return "%s %s %s" % (subj, be, self.intens_adj(d, pol)), pol

    def c_negated(self, d, pol):
        subj, plural = self.subject(d)
        if pol == NEG:  # negated positive adjective
            adj = self.adj(d, POS, attributive=True)
            k = self.r.random()
            if k < 0.45:
                return "%s %s %s%s" % (subj, self.be(plural, True), self.pick(WEAK_NEG_INTENS), adj), NEG
            if k < 0.6:
                return "%s %s far from %s" % (subj, self.be(plural), adj), NEG
            if k < 0.75:
                return "%s %s not %s at all" % (subj, self.be(plural), adj), NEG
            if k < 0.87:
                verb = "don't" if plural else "doesn't"
                return "%s %s %s %s" % (subj, self.pick([verb, "did not", "didn't"]),
                                        self.pick(["feel", "seem", "look", "taste"]), adj), NEG
            return "%s %s never %s" % (subj, self.be(plural), adj), NEG
        # negated negative adjective -> positive
        adj = self.pick(FLIPPABLE_NEG)
        tail = self.pick(FLIP_TAIL)
        k = self.r.random()
        if k < 0.7:
            return "%s %s %s%s" % (subj, self.be(plural, True), adj, tail), POS
        if k < 0.85:
            return "%s %s never %s" % (subj, self.be(plural), adj), POS
        return "%s %s not %s%s, %s" % (subj, self.be(plural), adj, tail,
                                       self.pick(["quite the opposite", "it was really good",
                                                  "it was great", "far from it"])), POS

    def c_verb(self, d, pol):
        obj = self.pick(["it", "this " + self.item(d), "the " + self.item(d),
                         "the " + self.aspect(d)[0]])
        k = self.r.random()
        if pol == POS:
            if k < 0.5:
                return "I %s %s" % (self.pick(VERB_POS), obj), POS
            if k < 0.8:
                return "I %s %s" % (self.pick(VERB_POS_PRES), obj), POS
            return "we %s %s" % (self.pick(VERB_POS), obj), POS
        if k < 0.35:
            return "I %s %s" % (self.pick(VERB_NEG), obj), NEG
        if k < 0.55:
            return "I %s %s" % (self.pick(VERB_NEG_PRES), obj), NEG
        if k < 0.9:
            return "I %s %s" % (self.pick(NEGATED_LIKE), obj), NEG
        return "we %s %s" % (self.pick(NEGATED_LIKE), obj), NEG

    def c_event(self, d, pol):
        if self.r.random() < 0.25:
            return self.pick(GENERAL_POS_EVENTS if pol == POS else GENERAL_NEG_EVENTS), pol
        return self.pick(DOMAINS[d]["pos_events" if pol == POS else "neg_events"]), pol

    def c_feel(self, d, pol):
        who = self.pick(["I am", "I was", "we were", "I'm", "my wife was", "my kids were",
                         "I have been"])
        tail = self.pick(["", "", " with it", " with this " + self.item(d),
                          " with the " + self.aspect(d)[0], " overall"])
        k = self.r.random()
        if k < 0.7:
            feel = self.pick(FEEL_POS if pol == POS else FEEL_NEG)
            return "%s %s%s%s" % (who, self.pick(self.intens), feel, tail), pol
        if pol == NEG:
            feel = self.pick(["happy", "impressed", "satisfied", "pleased"])
            return "%s not %s%s" % (who, feel, tail), NEG
        return "%s %s%s" % (who, self.pick(["not disappointed", "not disappointed at all",
                                             "never disappointed", "not unhappy"]), tail), POS

    def c_superlative(self, d, pol):
        word = "best" if pol == POS else "worst"
        pre = self.pick(["the ", "by far the ", "one of the ", "easily the ", "honestly the "])
        noun = self.item(d) if self.r.random() < 0.6 else self.aspect(d)[0]
        if pre == "one of the ":
            noun = noun if noun.endswith("s") else noun + "s"
        verb = self.pick(DOMAINS[d]["verbs"])
        when = self.pick([" I have ever %s" % verb, " I've ever %s" % verb, " ever",
                          " in years", " I have %s in a long time" % verb])
        return "%s%s %s%s" % (pre, word, noun, when), pol

    def c_idiom(self, d, pol):
        return self.pick(IDIOMS_POS if pol == POS else IDIOMS_NEG), pol

    def c_recommend(self, d, pol):
        return self.pick(RECOMMEND_POS if pol == POS else RECOMMEND_NEG), pol

    def c_np(self, d, pol):  # "a truly awful phone", "great service"
        adj = self.adj(d, pol, attributive=True)
        intens = self.pick(["", "", "really ", "truly ", "absolutely ", "very "])
        noun = self.item(d) if self.r.random() < 0.6 else self.aspect(d)[0]
        art = self.pick(["", "a ", "what a "]) if not noun.endswith("s") else ""
        phrase = intens + adj
        if art in ("a ", "what a ") and phrase[0] in "aeiou":
            art = art[:-1] + "n "
        return "%s%s %s" % (art, phrase, noun), pol

    def clause(self, d, pol, kinds=None):
        table = [(self.c_adj, 5), (self.c_negated, 4), (self.c_verb, 3), (self.c_event, 4),
                 (self.c_feel, 2), (self.c_superlative, 1.5), (self.c_idiom, 2),
                 (self.c_recommend, 1), (self.c_np, 1.5)]
        if kinds:
            table = [t for t in table if t[0].__name__ in kinds]
        fns, weights = zip(*table)
        return self.r.choices(fns, weights)[0](d, pol)

    def overall(self, d, pol):
        pre = self.pick(OVERALL_PRE_TRAIN + (OVERALL_PRE_HELDOUT * 2 if self.heldout else []))
        k = self.r.random()
        if k < 0.35:
            adj = self.adj(d, pol, "strong", attributive=True) if self.r.random() < 0.5 else \
                self.pick(["great", "good", "lovely", "enjoyable"] if pol == POS else
                          ["bad", "poor", "disappointing", "frustrating"])
            exp = self.pick(EXPERIENCE)
            art = "an" if adj[0] in "aeiou" else "a"
            return "%s%s %s %s" % (pre, art, adj, exp)
        if k < 0.55:
            return pre + self.pick(["I loved it", "I really liked it", "we loved it",
                                    "I was happy", "I'd go again", "it was worth it"]
                                   if pol == POS else
                                   ["I hated it", "I did not like it", "we were disappointed",
                                    "I was unhappy", "I would not go again",
                                    "it was not worth it"])
        if k < 0.8:
            return pre + self.adj(d, pol, "strong")
        return pre + self.clause(d, pol, {"c_adj", "c_negated", "c_idiom", "c_recommend"})[0]

    # ------------------------------------------------ sentences
    def sentence(self):
        d = self.domain()
        pol = self.pick([POS, NEG])
        k = self.r.random()
        joins = JOIN_TRAIN + (JOIN_HELDOUT * 3 if self.heldout else [])
        contrasts = CONTRAST_TRAIN + (CONTRAST_HELDOUT * 3 if self.heldout else [])
        if k < 0.30:
            text = self.clause(d, pol)[0]
        elif k < 0.50:
            a = self.clause(d, pol)[0]
            b = self.clause(d, pol)[0]
            text = self.pick(joins).format(a=a, b=b)
        elif k < 0.68:
            a = self.clause(d, -pol, {"c_adj", "c_negated", "c_event", "c_np", "c_verb"})[0]
            b = self.clause(d, pol, {"c_adj", "c_negated", "c_event", "c_feel", "c_verb",
                                     "c_recommend", "c_idiom"})[0]
            form, _ = self.pick(contrasts)
            text = form.format(a=a, b=b)
        elif k < 0.80:
            # mixed aspects, explicit overall verdict decides the label
            a = self.clause(d, -pol, {"c_adj", "c_negated", "c_event"})[0]
            b = self.clause(d, pol, {"c_adj", "c_negated", "c_event"})[0]
            if self.r.random() < 0.5:
                a, b = b, a
            text = "%s %s %s, %s" % (a, self.pick(["but", "and", "but", "while"]), b,
                                     self.overall(d, pol))
        elif k < 0.88:
            a = self.clause(d, pol, {"c_adj", "c_event", "c_verb", "c_negated"})[0]
            b = self.clause(d, pol, {"c_recommend", "c_idiom", "c_superlative"})[0]
            text = "%s. %s" % (a, b) if self.r.random() < 0.5 else "%s, %s" % (a, b)
        elif k < 0.92:
            # three clauses, same polarity (longer reviews)
            parts = [self.clause(d, pol)[0] for _ in range(3)]
            text = "%s, %s, and %s" % tuple(parts) if self.r.random() < 0.5 else \
                "%s. %s. %s" % tuple(parts)
        else:
            text = self.short(d, pol)
        return self.surface(text, pol), pol

    def short(self, d, pol):
        k = self.r.random()
        if k < 0.3:
            return self.intens_adj(d, pol)
        if k < 0.5:  # "not good", "really not great", "not bad at all"
            if pol == NEG:
                return self.pick(["", "", "really ", "just ", "honestly "]) + "not " + \
                    self.pick(WEAK_NEG_INTENS) + self.adj(d, POS, attributive=True)
            return "not " + self.pick(FLIPPABLE_NEG + ["too bad", "half bad", "bad"]) + \
                self.pick(FLIP_TAIL)
        if k < 0.7:
            return self.c_np(d, pol)[0]
        if self.heldout and k < 0.85:  # HELDOUT_ONLY question forms
            if pol == POS:
                return self.pick(["could it be any better?", "why did I not buy this sooner?",
                                  "what more could you want?"])
            return self.pick(["what were they thinking?", "how is this even allowed?",
                              "who approved this?"])
        if pol == POS:
            return self.pick(["loved it", "love it", "wow, just wow", "brilliant stuff",
                              "so good", "pure joy", "ten out of ten", "more please"])
        return self.pick(["hated it", "hate it", "meh", "total garbage", "so bad",
                          "pure rubbish", "never again", "what a mess"])

    def surface(self, text, pol):
        text = text.strip()
        end = self.r.choices([".", "!", "", "!!", "...", " :)" if pol == POS else " :("],
                             [60, 16, 10, 5, 5, 4])[0]
        if text.endswith("?"):
            end = ""
        text = text + end
        k = self.r.random()
        if k < 0.82:
            text = capitalise(text)
        elif k < 0.85:
            text = text.upper()
        return text


def is_attributive(adj):
    return not (adj.split()[0] in ("a", "an", "the", "not", "too", "way", "so-so", "out",
                                   "second", "well", "above", "below", "better", "worse",
                                   "beyond", "spot", "half-hearted", "solid", "cheaply")
                or " to " in adj)


def capitalise(text):
    out, up = [], True
    for i, ch in enumerate(text):
        if up and ch.isalpha():
            out.append(ch.upper())
            up = False
        else:
            out.append(ch)
        if ch in ".!?":
            up = True
    s = "".join(out)
    return s.replace(" i ", " I ").replace(" i'", " I'")


# ---------------------------------------------------------------- hand-written
def load_handwritten(path=HANDWRITTEN_PATH):
    """(label, text) pairs in file order.  The order matters: main() shuffles
    them with the shared seeded generator to split them between training and
    held-out, so the file is the pool, not a fixed split."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, text = line.rstrip("\n").split("\t")
            assert label in ("positive", "negative"), line
            rows.append((label, text))
    return rows


# train_sentiment.py imports this to report accuracy on hand-written sentences
HANDWRITTEN = load_handwritten()


def main():
    rng = random.Random(SEED)
    train, held = {}, {}
    gen_train = Gen(rng, heldout=False)
    gen_held = Gen(rng, heldout=True)
    while len(train) < N_TRAIN_GENERATED:
        text, pol = gen_train.sentence()
        train.setdefault(text.lower(), (text, pol))
    while len(held) < N_HELDOUT_GENERATED:
        text, pol = gen_held.sentence()
        if text.lower() not in train:
            held.setdefault(text.lower(), (text, pol))
    rows_train = [("positive" if p == POS else "negative", t) for t, p in train.values()]
    rows_held = [("positive" if p == POS else "negative", t) for t, p in held.values()]
    # hand-written sentences: about 60% to training, 40% to held-out, per label
    for label in ("positive", "negative"):
        hw = [row for row in HANDWRITTEN if row[0] == label]
        rng.shuffle(hw)
        cut = int(len(hw) * 0.6)
        rows_train += hw[:cut]
        rows_held += hw[cut:]
    rng.shuffle(rows_train)
    rng.shuffle(rows_held)
    assert not ({t.lower() for _, t in rows_train} & {t.lower() for _, t in rows_held})
    os.makedirs(DATA_DIR, exist_ok=True)
    for name, rows in (("sentiment.tsv", rows_train), ("sentiment_heldout.tsv", rows_held)):
        with open(os.path.join(DATA_DIR, name), "w", encoding="utf-8", newline="\n") as f:
            for label, text in rows:
                assert "\t" not in text and "\n" not in text
                f.write("%s\t%s\n" % (label, text))
        pos = sum(1 for l, _ in rows if l == "positive")
        print("%s: %d sentences (%d positive, %d negative)" % (name, len(rows), pos, len(rows) - pos))


if __name__ == "__main__":
    main()
