"""Writes the sentiment data set: models/data/sentiment.tsv (training) and
models/data/sentiment_heldout.tsv (held-out).

Run:  /usr/bin/python3 models/sentiment_data.py

Each line is ``label<TAB>text`` (no header), label is ``negative`` or
``positive``.  Sentences come from templates with many slot fillers plus a
list of hand-written reviews.  Generation is seeded, so the files are
reproducible.  The held-out split shares no sentence with the training split
and additionally uses slot fillers, connectors and templates that never occur
in training (see the ``HELDOUT_ONLY`` markers below), so held-out accuracy
measures generalisation rather than memorisation.
"""

import os
import random

SEED = 1234
N_TRAIN_GENERATED = 4200
N_HELDOUT_GENERATED = 800
HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")

POS, NEG = 1, -1

# ---------------------------------------------------------------- vocabulary
# Each domain: items (reviewed things), aspects (noun, plural?), domain
# adjectives, verbs for "the best X I have ever ...", and factual events.
# The last two items of every domain are HELDOUT_ONLY.
DOMAINS = {
    "film": dict(
        items=["movie", "film", "documentary", "series", "show", "sequel", "thriller",
               "comedy", "drama", "cartoon", "horror movie", "musical", "miniseries"],
        aspects=[("plot", False), ("acting", False), ("ending", False), ("soundtrack", False),
                 ("script", False), ("dialogue", False), ("cast", False), ("pacing", False),
                 ("special effects", True), ("characters", True), ("jokes", True),
                 ("visuals", True), ("cinematography", False), ("story", False)],
        pos=["gripping", "moving", "hilarious", "beautiful", "clever", "touching", "thrilling",
             "captivating", "funny", "stunning", "powerful", "entertaining"],
        neg=["boring", "dull", "predictable", "confusing", "slow", "forgettable", "pointless",
             "cheesy", "painful to watch", "tedious", "lifeless", "silly"],
        verbs=["watched", "seen"],
        pos_events=["I laughed from start to finish", "I was on the edge of my seat",
                    "I cried at the ending", "I loved every minute of it",
                    "I have already watched it twice", "it kept me hooked until the end",
                    "the time flew by", "I cannot stop thinking about it",
                    "I would happily watch it again", "the whole cinema applauded at the end",
                    "every scene was a joy to watch"],
        neg_events=["I fell asleep halfway through", "I walked out after forty minutes",
                    "I checked my phone the whole time", "nothing happens for two hours",
                    "the plot makes no sense", "I wanted my money back",
                    "I could not wait for it to end", "the jokes never land",
                    "I regret wasting two hours on it", "half the audience left early",
                    "I hated every minute of it"],
    ),
    "product": dict(
        items=["phone", "product", "laptop", "tablet", "camera", "blender", "vacuum cleaner",
               "kettle", "printer", "charger", "keyboard", "speaker", "watch", "backpack",
               "toaster", "monitor", "router", "coffee maker", "microwave", "drill",
               "headset", "smartwatch", "air fryer"],
        aspects=[("battery", False), ("screen", False), ("build quality", False),
                 ("sound", False), ("design", False), ("price", False), ("packaging", False),
                 ("instructions", True), ("buttons", True), ("cable", False), ("motor", False),
                 ("camera", False), ("battery life", False), ("material", False)],
        pos=["reliable", "sturdy", "fast", "powerful", "well made", "quiet", "durable",
             "responsive", "sleek", "handy", "useful", "light"],
        neg=["flimsy", "cheap", "slow", "faulty", "broken", "useless", "noisy", "fragile",
             "unreliable", "overpriced", "defective", "awkward"],
        verbs=["bought", "owned", "used", "had"],
        pos_events=["the battery lasts all day", "it works perfectly",
                    "it still works like new after two years", "setup took only five minutes",
                    "it arrived a day early", "it does exactly what it promises",
                    "the battery lasts for days", "it charges in no time", "I use it every day",
                    "support answered within an hour", "it has never let me down",
                    "it paid for itself within a month", "it has not broken once",
                    "I have had no problems at all"],
        neg_events=["it broke after two days", "it stopped working after a week",
                    "it arrived damaged", "it arrived with a cracked screen",
                    "the battery dies after an hour", "I had to return it after three days",
                    "support never answered my emails", "it overheats all the time",
                    "half the features do not work", "the screen cracked within a month",
                    "it never worked properly", "the charger died after a week",
                    "it keeps disconnecting", "customer support never replied",
                    "it fell apart after one use", "the refund still has not arrived",
                    "it broke the first time I used it", "nothing works as advertised"],
    ),
    "restaurant": dict(
        items=["restaurant", "cafe", "bistro", "pizzeria", "diner", "bakery", "steakhouse",
               "sushi place", "burger joint", "bar", "food truck", "tea room", "noodle bar"],
        aspects=[("food", False), ("pizza", False), ("pasta", False), ("soup", False),
                 ("dessert", False), ("coffee", False), ("burger", False), ("steak", False),
                 ("waiter", False), ("service", False), ("menu", False), ("atmosphere", False),
                 ("portions", True), ("prices", True), ("fries", True), ("staff", True),
                 ("meal", False), ("wine", False)],
        pos=["delicious", "tasty", "fresh", "friendly", "attentive", "generous", "cozy",
             "flavorful", "perfectly cooked", "welcoming", "reasonable", "mouthwatering"],
        neg=["bland", "cold", "stale", "greasy", "rude", "slow", "overcooked", "undercooked",
             "tasteless", "soggy", "dirty", "overpriced"],
        verbs=["eaten at", "been to", "visited", "had"],
        pos_events=["every dish was cooked to perfection", "the waiter remembered our names",
                    "the portions were huge", "we will definitely be back",
                    "the dessert alone was worth the trip", "we cleaned our plates",
                    "the chef came out to say hello", "our food arrived quickly",
                    "they made a birthday cake for my daughter", "we were seated right away",
                    "the staff made us feel at home"],
        neg_events=["we waited an hour for our food", "the food arrived cold",
                    "my order was wrong twice", "the waiter ignored us all night",
                    "I got sick after eating there", "the table was sticky",
                    "they forgot our drinks", "we found a hair in the soup",
                    "the bill was outrageous", "nobody came to take our order",
                    "we will never go back", "the waiter rolled his eyes at us"],
    ),
    "hotel": dict(
        items=["hotel", "hostel", "resort", "inn", "guesthouse", "apartment", "motel",
               "lodge", "bed and breakfast", "holiday cottage"],
        aspects=[("room", False), ("bed", False), ("bathroom", False), ("breakfast", False),
                 ("pool", False), ("view", False), ("location", False), ("staff", True),
                 ("reception", False), ("shower", False), ("wifi", False), ("check-in", False),
                 ("beds", True), ("towels", True)],
        pos=["clean", "spacious", "comfortable", "quiet", "friendly", "helpful", "stunning",
             "convenient", "relaxing", "spotless", "cozy", "welcoming"],
        neg=["dirty", "cramped", "noisy", "uncomfortable", "rude", "tiny", "smelly", "filthy",
             "shabby", "unhelpful", "outdated", "freezing"],
        verbs=["stayed at", "stayed in", "booked"],
        pos_events=["the bed was like sleeping on a cloud", "the staff upgraded our room for free",
                    "the view from our balcony was breathtaking",
                    "breakfast had something for everyone", "the room was cleaned every day",
                    "we slept like babies", "check-in took two minutes",
                    "they let us check out late", "we are already planning our next stay"],
        neg_events=["the room smelled of smoke", "the shower never got hot",
                    "we found bugs in the bed", "nobody cleaned our room",
                    "the walls were paper thin", "the air conditioning was broken",
                    "check-in took over an hour", "we could hear traffic all night",
                    "they lost our reservation", "we barely slept",
                    "we left a day early"],
    ),
    "app": dict(
        items=["app", "game", "website", "program", "software", "browser", "editor", "tool",
               "plugin", "extension", "platform"],
        aspects=[("interface", False), ("update", False), ("design", False), ("layout", False),
                 ("search", False), ("login", False), ("notifications", True),
                 ("settings", True), ("latest version", False), ("menus", True),
                 ("dark mode", False), ("sync", False)],
        pos=["intuitive", "smooth", "fast", "useful", "simple", "polished", "responsive",
             "addictive", "easy to use", "well designed", "clean", "reliable"],
        neg=["buggy", "slow", "confusing", "clunky", "laggy", "bloated", "unstable", "ugly",
             "annoying", "broken", "unusable", "cluttered"],
        verbs=["used", "tried", "installed", "downloaded"],
        pos_events=["it never crashes", "it has made my life so much easier",
                    "the latest update fixed every problem", "it syncs instantly across my devices",
                    "I use it every single day", "it saves me hours every week",
                    "there are no annoying ads at all",
                    "the developers actually listen to feedback", "it just works"],
        neg_events=["it crashes every time I open it", "the latest update ruined everything",
                    "it drains my battery", "I cannot even log in", "it is full of ads",
                    "it freezes constantly", "it deleted all my data",
                    "it keeps asking me to pay", "support never replied to my ticket",
                    "it never loads", "I uninstalled it after a day"],
    ),
    "book": dict(
        items=["book", "novel", "biography", "cookbook", "textbook", "audiobook", "memoir",
               "short story collection", "graphic novel"],
        aspects=[("story", False), ("writing", False), ("ending", False), ("characters", True),
                 ("chapters", True), ("plot", False), ("narrator", False), ("recipes", True),
                 ("dialogue", False), ("illustrations", True)],
        pos=["engaging", "beautifully written", "inspiring", "insightful", "gripping",
             "charming", "witty", "compelling", "moving", "thoughtful"],
        neg=["tedious", "dull", "shallow", "repetitive", "confusing", "poorly written",
             "predictable", "dry", "boring", "forgettable"],
        verbs=["read", "finished"],
        pos_events=["I could not put it down", "I finished it in one sitting",
                    "I have already recommended it to all my friends", "I will read it again",
                    "it made me laugh and cry", "every recipe worked the first time"],
        neg_events=["I could not get past the first chapter", "I gave up halfway through",
                    "it put me to sleep", "the ending ruined it for me",
                    "it felt twice as long as it needed to be", "none of the recipes worked"],
    ),
    "service": dict(
        items=["service", "delivery service", "courier", "bank", "airline", "gym", "salon",
               "repair shop", "internet provider", "plumber", "store", "shop", "taxi company",
               "dentist", "car rental"],
        aspects=[("customer service", False), ("support team", False), ("driver", False),
                 ("staff", True), ("refund process", False), ("booking process", False),
                 ("prices", True), ("response time", False), ("technician", False),
                 ("manager", False), ("support", False), ("delivery", False)],
        pos=["helpful", "professional", "friendly", "quick", "efficient", "polite", "prompt",
             "reliable", "patient", "courteous", "fast", "honest"],
        neg=["unhelpful", "rude", "slow", "unprofessional", "careless", "useless",
             "incompetent", "late", "dismissive", "unreliable", "disorganized", "dishonest"],
        verbs=["used", "dealt with", "had", "experienced", "received"],
        pos_events=["they solved my problem in minutes", "the driver arrived early",
                    "my package arrived a day early", "they went out of their way to help",
                    "they called back within an hour", "the refund arrived the next day",
                    "everything was handled quickly", "they explained everything clearly",
                    "they fixed it the same day"],
        neg_events=["they never showed up", "they never called back",
                    "my package never arrived", "they charged me twice",
                    "I was on hold for two hours", "nobody could answer a simple question",
                    "the driver was an hour late", "they lost my luggage",
                    "I am still waiting for my refund", "they hung up on me",
                    "support never answered"],
    ),
}
GENERAL_POS_EVENTS = [
    "it made my day", "I smiled the whole time", "everything went smoothly",
    "it was exactly what I needed", "they treated us like family", "I would do it all again",
    "it was worth the wait", "I keep telling everyone about it", "it made me so happy",
    "it was a real treat", "it was a breath of fresh air", "it ticks every box",
    "I have nothing but praise for it", "it felt like great value", "it put a smile on my face",
    "it did the job perfectly", "I was pleasantly surprised", "it lived up to every promise",
    "it was love at first sight", "they thought of everything"]
GENERAL_NEG_EVENTS = [
    "it ruined my day", "nothing went right", "it was a nightmare from start to finish",
    "I felt cheated", "it was a complete waste of my time", "I wish I could get my money back",
    "it was a headache from the start", "I felt like an idiot for paying", "it left me angry",
    "it was one disappointment after another", "it fell short in every way",
    "it made me regret the whole thing", "I was ripped off", "it went wrong from day one",
    "I complained and nobody cared", "it made everything harder", "it gave me a headache",
    "I felt ignored the entire time", "it was a struggle from beginning to end",
    "I have never felt so let down"]
HELDOUT_ITEMS = {d: set(v["items"][-2:]) for d, v in DOMAINS.items()}

STRONG_POS = ["amazing", "excellent", "fantastic", "wonderful", "outstanding", "superb",
              "brilliant", "incredible", "perfect", "phenomenal", "exceptional", "fabulous",
              "terrific", "awesome", "marvelous", "spectacular", "stellar", "flawless",
              "sublime", "glorious", "breathtaking", "exquisite", "splendid", "first-class",
              "top-notch", "world-class", "unbeatable", "heavenly", "remarkable",
              "extraordinary", "impeccable", "magnificent", "a delight", "a joy",
              "a masterpiece", "a gem", "out of this world", "second to none"]
MILD_POS = ["good", "great", "nice", "decent", "pleasant", "lovely", "solid", "enjoyable",
            "impressive", "satisfying", "fun", "worthwhile", "pleasing", "neat", "charming",
            "sweet", "refreshing", "cool", "smooth", "tidy", "kind", "warm", "fair",
            "reasonable", "comfy", "cosy", "cozy", "handy", "helpful", "well worth it",
            "above average", "better than expected", "a nice surprise", "reliable",
            "spot on", "delightful", "likeable", "solid value"]
STRONG_NEG = ["terrible", "awful", "horrible", "dreadful", "atrocious", "abysmal", "appalling",
              "pathetic", "disgusting", "horrendous", "useless", "a disaster", "unbearable",
              "unacceptable", "inedible", "disastrous", "dire", "miserable", "shocking",
              "woeful", "worthless", "rubbish", "garbage", "trash", "a nightmare", "a joke",
              "insulting", "infuriating", "hopeless", "a rip-off", "a scam", "the pits",
              "beyond awful", "a complete mess", "unusable"]
MILD_NEG = ["bad", "poor", "disappointing", "mediocre", "weak", "subpar", "lousy",
            "underwhelming", "unpleasant", "annoying", "frustrating", "not great",
            "lackluster", "lacklustre", "sloppy", "flat", "tiresome", "irritating",
            "inconvenient", "dated", "clumsy", "meh", "below average", "worse than expected",
            "a letdown", "a bit of a letdown", "not very good", "not worth it", "overrated",
            "too expensive", "way too expensive", "half-hearted", "unreliable", "second-rate",
            "cheaply made", "so-so", "forgettable"]
# negatives that flip to (mildly) positive under negation: "wasn't bad at all"
FLIPPABLE_NEG = ["bad", "disappointing", "boring", "too expensive", "complicated",
                 "a problem", "difficult", "awful", "terrible", "uncomfortable"]
FLIP_TAIL = ["", "", " at all", " at all", " in the slightest", " by any means", " either"]

INTENS_TRAIN = ["", "", "", "really ", "very ", "absolutely ", "truly ", "incredibly ",
                "extremely ", "quite ", "so ", "pretty ", "utterly ", "totally ",
                "really quite ", "just ", "simply ", "honestly "]
INTENS_HELDOUT = ["genuinely ", "remarkably ", "seriously ", "unbelievably "]  # HELDOUT_ONLY
WEAK_NEG_INTENS = ["very ", "that ", "particularly ", "especially ", "so ", "really ", ""]

FEEL_POS = ["happy", "pleased", "satisfied", "impressed", "delighted", "thrilled", "glad",
            "grateful", "blown away", "excited"]
FEEL_NEG = ["disappointed", "unhappy", "frustrated", "annoyed", "angry", "upset", "let down",
            "furious", "dissatisfied", "unimpressed"]

VERB_POS = ["loved", "adored", "enjoyed", "really liked", "liked", "was blown away by",
            "fell in love with", "really enjoyed"]
VERB_NEG = ["hated", "disliked", "regretted", "could not stand", "was bored by",
            "really disliked", "was disappointed by", "gave up on"]
VERB_POS_PRES = ["love", "adore", "really like", "enjoy", "absolutely love"]
VERB_NEG_PRES = ["hate", "dislike", "cannot stand", "regret buying", "absolutely hate"]
NEGATED_LIKE = ["did not like", "didn't like", "did not enjoy", "didn't enjoy",
                "did not love", "didn't love", "don't like", "do not like",
                "didn't care for", "did not care for"]

IDIOMS_POS = ["can't complain", "no complaints at all", "nothing to complain about",
              "couldn't be happier", "couldn't have asked for more", "never disappointed",
              "it never disappoints", "exceeded my expectations", "lived up to the hype",
              "a pleasant surprise", "five stars", "two thumbs up", "worth every penny",
              "money well spent", "great value for money", "highly recommended",
              "would buy again", "would definitely go back", "a must have", "a hidden gem",
              "I can't recommend it enough", "I have no regrets", "ten out of ten",
              "I was not disappointed", "nothing bad to say about it", "it did not disappoint",
              "better than I expected", "I have never been happier"]
IDIOMS_NEG = ["nothing special", "nothing to write home about", "could have been much better",
              "never again", "highly overrated", "did not live up to the hype",
              "did not meet my expectations", "a complete letdown", "one star",
              "thumbs down", "not worth the money", "a waste of money", "a waste of time",
              "a total rip-off", "avoid at all costs", "do not buy", "don't waste your money",
              "would not recommend", "I want a refund", "worse than I expected",
              "not worth it", "zero stars if I could", "I can't recommend it",
              "I would never recommend it", "I regret it", "not impressed",
              "it could not have been worse", "I was not happy"]

RECOMMEND_POS = ["I would highly recommend it", "I would definitely recommend it to friends",
                 "I recommend it to everyone", "I would recommend it without hesitation",
                 "I will definitely buy it again", "I will be back for sure"]
RECOMMEND_NEG = ["I would not recommend it to anyone", "I will never buy it again",
                 "I would never recommend it", "I do not recommend it",
                 "I won't be coming back", "I will not be using them again"]

OVERALL_PRE_TRAIN = ["overall, ", "overall ", "all in all, ", "in the end, "]
OVERALL_PRE_HELDOUT = ["on balance, ", "all things considered, "]  # HELDOUT_ONLY
EXPERIENCE = ["experience", "purchase", "stay", "evening", "visit", "buy", "watch", "read"]

CONTRAST_TRAIN = [("{a}, but {b}", "b"), ("{a} but {b}", "b"), ("although {a}, {b}", "b"),
                  ("{a}, however {b}", "b"), ("{a}. but {b}", "b"), ("{b}, although {a}", "b"),
                  ("while {a}, {b}", "b"), ("{a}, though {b}", "b")]
CONTRAST_HELDOUT = [("even though {a}, {b}", "b"), ("{a}. that said, {b}", "b"),  # HELDOUT_ONLY
                    ("{a}, yet {b}", "b"), ("{b}, despite the fact that {a}", "b")]
JOIN_TRAIN = ["{a} and {b}", "{a}, {b}", "{a}. {b}", "{a}, and {b}", "{a}. also, {b}",
              "{a}, plus {b}", "{a}; {b}", "{a}. and {b}"]
JOIN_HELDOUT = ["{a}, not to mention that {b}", "{a}. on top of that, {b}"]  # HELDOUT_ONLY


# ---------------------------------------------------------------- helpers
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
HANDWRITTEN = [
    ("positive", "Honestly one of the nicest meals we've had in ages. The lamb was perfect."),
    ("positive", "Took a chance on this blender and I'm so glad I did. Smoothies in seconds."),
    ("positive", "The staff at the front desk sorted out our booking mix-up without any fuss."),
    ("positive", "My son has played this game every evening since his birthday. Worth it."),
    ("positive", "It's not perfect, but for the price it's a fantastic little speaker."),
    ("positive", "I wasn't expecting much from a sequel, but it was even better than the first one."),
    ("positive", "Quick delivery, well packed, and exactly as described. Thank you!"),
    ("positive", "Five stars from me. The cast is superb and the story stays with you."),
    ("positive", "Surprisingly comfortable headphones, I wear them for hours without noticing."),
    ("positive", "The pasta was cooked just right and the tiramisu was heavenly."),
    ("positive", "Customer service replaced my broken kettle the next day, no questions asked."),
    ("positive", "Clean room, comfy bed, friendly people. What more do you need?"),
    ("positive", "This app has genuinely helped me keep track of my spending. Love it."),
    ("positive", "A beautiful, heartfelt film. Bring tissues."),
    ("positive", "I have recommended this hotel to everyone I know."),
    ("positive", "The update made everything faster, nice work from the developers."),
    ("positive", "The driver helped me carry my bags all the way up the stairs. Lovely man."),
    ("positive", "Best pizza in town, hands down."),
    ("positive", "I was sceptical at first, but this vacuum has completely won me over."),
    ("positive", "Not a single complaint. The whole trip went smoothly."),
    ("positive", "Great battery, sharp screen and it feels solid in the hand."),
    ("positive", "A gripping read from the first page to the last."),
    ("positive", "The kids loved it and so did we. A perfect family movie."),
    ("positive", "The plumber was on time, tidy and very reasonably priced."),
    ("positive", "Fantastic value. I didn't expect this quality at such a low price."),
    ("positive", "Everything about our stay was wonderful, from the welcome drinks to the view."),
    ("positive", "The soup was a little salty but the rest of the meal was superb."),
    ("positive", "It took a while to arrive, but the chair is really comfortable and looks great."),
    ("positive", "Never had a single problem with this printer in three years."),
    ("positive", "Absolutely love the new design, it is so much easier to find things now."),
    ("positive", "Our waitress was a delight and the desserts were out of this world."),
    ("positive", "Solid laptop. Fast, quiet and the keyboard is a joy to type on."),
    ("positive", "I laughed so hard I cried. Easily the funniest show this year."),
    ("positive", "The gym is spotless and the trainers actually care about you."),
    ("positive", "I didn't think I'd enjoy a documentary about bees this much, but I did!"),
    ("positive", "Brilliant little camera, the photos come out sharp even at night."),
    ("positive", "They answered my question within minutes and were really kind about it."),
    ("positive", "This is the third one I've bought, they just keep working."),
    ("positive", "Cosy cafe, great coffee, and the cinnamon buns are unbeatable."),
    ("positive", "The ending was perfect. I would watch it again tomorrow."),
    ("positive", "Wasn't sure about the price, but it's worth every cent."),
    ("positive", "Comfortable seats, friendly crew and we landed early. Great flight."),
    ("positive", "I'm impressed. Setup was easy and it has worked flawlessly since."),
    ("positive", "Lovely little guesthouse with a garden and the best breakfast I've had abroad."),
    ("positive", "The repair shop fixed my bike in an hour and charged less than quoted."),
    ("positive", "Couldn't fault anything. We'll definitely come back next summer."),
    ("positive", "Delicious food, generous portions, and the prices are fair."),
    ("positive", "The audiobook narrator is fantastic, he brings every character to life."),
    ("positive", "Really quite good, much better than the reviews suggested."),
    ("positive", "Works great with my old phone too, which was a nice surprise."),
    ("positive", "Easy to assemble and very sturdy once it's up."),
    ("positive", "The hotel staff went above and beyond to make our anniversary special."),
    ("positive", "I've used a lot of note-taking apps and this one is by far the best."),
    ("positive", "Good sound, long battery life, comfortable fit. Happy with it."),
    ("positive", "The service was slow, but the food more than made up for it."),
    ("positive", "Thank you for a wonderful evening, everything was perfect."),
    ("positive", "This toaster does its job brilliantly and looks good on the counter."),
    ("positive", "A smart, funny and surprisingly moving film."),
    ("positive", "Hands down the most comfortable shoes I own."),
    ("positive", "The room was small but spotless, and the location could not be better."),
    ("negative", "The battery barely lasts half a day, which makes the phone pretty useless."),
    ("negative", "We waited forty minutes for a table even though we had booked."),
    ("negative", "I really wanted to like this film, but it dragged on forever."),
    ("negative", "The headphones stopped charging after a month. Very disappointing."),
    ("negative", "Rude staff and a dirty bathroom. We checked out the next morning."),
    ("negative", "Ordered a large pizza, got a small one, and it was cold."),
    ("negative", "The app logs me out every single time I switch screens. Infuriating."),
    ("negative", "Don't bother with this book, the twist is obvious from page ten."),
    ("negative", "Looks nice in the pictures, but the fabric feels cheap and thin."),
    ("negative", "I was charged for a service I never received and nobody will help me."),
    ("negative", "The plot was all over the place and the acting was wooden."),
    ("negative", "Our room faced a building site and the noise started at seven."),
    ("negative", "It worked fine for a week and then the screen went black."),
    ("negative", "Way too expensive for what you get."),
    ("negative", "The burger was dry and the fries were soggy. Not going back."),
    ("negative", "The courier left my parcel in the rain and it was ruined."),
    ("negative", "Good idea, poor execution. It crashes constantly."),
    ("negative", "I returned it the same day, the sound quality was awful."),
    ("negative", "Not what I paid for. The description was completely misleading."),
    ("negative", "The sequel has none of the charm of the original."),
    ("negative", "The instructions were useless and two screws were missing."),
    ("negative", "Our waiter forgot half our order and then argued with us about the bill."),
    ("negative", "Three calls, two emails and still no answer from support."),
    ("negative", "The mattress was so soft that I woke up with a sore back every day."),
    ("negative", "The lighting is dim, the music too loud, and the cocktails watered down."),
    ("negative", "Save your money. This blender can't even crush ice."),
    ("negative", "The new update removed the only feature I actually used."),
    ("negative", "I expected so much more from such a famous author."),
    ("negative", "The flight was delayed five hours and nobody told us why."),
    ("negative", "Cheap plastic, wobbly legs and it scratched on day one."),
    ("negative", "It's a beautiful hotel, but the service ruined our whole holiday."),
    ("negative", "The trailer was the best part of the movie."),
    ("negative", "My order arrived two weeks late and the box was crushed."),
    ("negative", "The coffee tasted burnt and the croissant was stale."),
    ("negative", "Great design, shame it doesn't actually work."),
    ("negative", "I have never been so bored in a cinema."),
    ("negative", "The charger gets dangerously hot, I stopped using it."),
    ("negative", "The gym is always overcrowded and half the machines are broken."),
    ("negative", "Not even close to the quality I was promised."),
    ("negative", "The story goes nowhere and the characters are flat."),
    ("negative", "The room looked nothing like the photos online."),
    ("negative", "Every time I call, I get a different answer. Hopeless."),
    ("negative", "It's fine for a day or two, then it just stops connecting."),
    ("negative", "I wouldn't eat there again if you paid me."),
    ("negative", "Too many ads, and the free version is basically unusable."),
    ("negative", "The staff were friendly enough, but the food was inedible."),
    ("negative", "Loud, crowded and overpriced. Not my kind of place."),
    ("negative", "The keyboard started double typing letters after a couple of weeks."),
    ("negative", "Really disappointing ending to an otherwise decent series."),
    ("negative", "The lid leaks every time, so I cannot take it anywhere."),
    ("positive", "Exactly what I was looking for. Fits perfectly and looks smart."),
    ("positive", "We booked last minute and still got a gorgeous room with a sea view."),
    ("positive", "The soundtrack alone is worth the ticket."),
    ("positive", "Superb customer care, they kept me updated every step of the way."),
    ("positive", "My new favourite place for brunch. The pancakes are incredible."),
    ("positive", "This charger is tiny but it powers my laptop with no trouble at all."),
    ("positive", "A thoughtful, warm-hearted novel that I will happily read again."),
    ("positive", "Painless checkout and the parcel came the next morning."),
    ("positive", "It exceeded every expectation I had."),
    ("positive", "I keep coming back to this cafe, the owners are so welcoming."),
    ("positive", "The acting is top class and the twist genuinely surprised me."),
    ("positive", "Really handy gadget, I use it almost every day."),
    ("positive", "Ten out of ten would stay here again."),
    ("positive", "The instructor was patient and encouraging. I learned a lot."),
    ("positive", "For a budget phone, the camera is shockingly good."),
    ("positive", "Friendly, fast and fairly priced. Can't ask for more than that."),
    ("positive", "The kids haven't stopped talking about the trip. Thank you so much!"),
    ("positive", "Sturdy, simple and it does the job without any fuss."),
    ("positive", "Wasn't expecting to cry at a cartoon, but here we are. Beautiful."),
    ("positive", "Warm bread, rich sauces and a lovely glass of wine. Bliss."),
    ("positive", "The new version is so much faster, well done."),
    ("positive", "No complaints whatsoever, it does exactly what it says."),
    ("positive", "Everyone at the clinic was kind and reassuring."),
    ("positive", "A charming little hotel run by people who clearly love what they do."),
    ("positive", "Incredible value for the money, I'd buy it again in a heartbeat."),
    ("positive", "It's been a year and it still looks brand new."),
    ("positive", "The best purchase I've made all year."),
    ("positive", "Not cheap, but worth every single penny."),
    ("positive", "Crisp picture, great colours, and the setup was a breeze."),
    ("positive", "Such a fun evening. The host was hilarious."),
    ("positive", "The mechanic explained the problem clearly and didn't overcharge me."),
    ("positive", "This game is addictive in the best possible way."),
    ("positive", "Very pleased with my order, it arrived quickly and well packaged."),
    ("positive", "A tense, clever thriller with a brilliant final act."),
    ("positive", "The spa was heavenly and the staff made us feel pampered."),
    ("positive", "Genuinely useful app, it has saved me a lot of time."),
    ("positive", "Great little restaurant, we had a fantastic time."),
    ("positive", "I can finally sleep through the night thanks to this mattress."),
    ("positive", "The tour guide was knowledgeable, funny and kind."),
    ("positive", "I bought one for my sister as well, that's how much I like it."),
    ("negative", "The zip broke the first time I used the bag."),
    ("negative", "Honestly the most boring two hours of my life."),
    ("negative", "They cancelled my order without telling me and kept my money for weeks."),
    ("negative", "The app keeps forgetting my settings. So annoying."),
    ("negative", "The fish smelled off and the chips were raw in the middle."),
    ("negative", "The hotel was nothing like the photos and the pool was closed."),
    ("negative", "Poorly written and full of spelling mistakes."),
    ("negative", "The paint started peeling after a month."),
    ("negative", "I asked for a refund three times and I'm still waiting."),
    ("negative", "It looked great online, but in person it's flimsy and ugly."),
    ("negative", "The service was painfully slow and the waiter was rude."),
    ("negative", "Absolute rubbish, it stopped working within a week."),
    ("negative", "The ending made no sense and ruined the whole film for me."),
    ("negative", "I wouldn't recommend this place to my worst enemy."),
    ("negative", "We were overcharged and nobody apologised."),
    ("negative", "The headphones hurt my ears after twenty minutes."),
    ("negative", "So disappointed. The colour is completely different from the picture."),
    ("negative", "The speaker crackles at any volume above half."),
    ("negative", "Avoid. The staff couldn't care less about their customers."),
    ("negative", "The room was freezing and the heater didn't work."),
    ("negative", "Every update makes the app slower and buggier."),
    ("negative", "The steak was tough and the sauce tasted like it came from a jar."),
    ("negative", "Not worth the hype at all."),
    ("negative", "My parcel was sent to the wrong address and nobody will take responsibility."),
    ("negative", "It's loud, it's slow, and it leaves crumbs everywhere."),
    ("negative", "The characters were annoying and the dialogue was painful."),
    ("negative", "The gym cancelled my class twice without any warning."),
    ("negative", "Sadly, the quality has really gone downhill."),
    ("negative", "I had high hopes, but it was a big disappointment."),
    ("negative", "A dull, lifeless sequel that nobody asked for."),
    ("negative", "The battery swelled up after six months. Dangerous."),
    ("negative", "They promised a call back and never bothered."),
    ("negative", "The seats were uncomfortable and the flight was cramped and late."),
    ("negative", "It tastes awful, I threw the rest away."),
    ("negative", "The website is a maze and checkout failed three times."),
    ("negative", "Nothing about this experience was pleasant."),
    ("negative", "The cleaner skipped our room for three days in a row."),
    ("negative", "The plot is thin and the jokes fall flat."),
    ("negative", "I expected better for the price."),
    ("negative", "What a letdown. I won't be ordering from them again."),
]


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
