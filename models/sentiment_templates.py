"""Word lists and sentence frames for the generated part of the sentiment
data set (see sentiment_data.py, which draws from them).

Entries marked HELDOUT_ONLY are used only when generating the held-out split,
so held-out accuracy measures generalisation to unseen fillers, connectors
and templates rather than memorisation.

Order matters: the generator picks from these lists with a seeded random
generator, so reordering, adding or removing an entry changes the data set.
"""

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
