// Expected token ids for the tokenizer tests, from an implementation independent of the one under test:
// Hugging Face's transformers.js (@huggingface/transformers, pinned in package.json).
//
//   cd Inference.Tests/TestData/tokenizers && npm ci && node expected_ids.mjs > expected-ids.json
//
// It reads the Hub files in ../shared/tokenizers/ (beside the repository root). transformers.js's own
// `truncation: true` cuts the finished sequence (dropping the final special token); Hugging Face's Python and Rust
// tokenizers cut the text and keep the special tokens, so truncated cases are built here from transformers.js's
// untruncated encodings with the Rust rule (longest_first for pairs, from the right).
import fs from "node:fs";
import path from "node:path";
import url from "node:url";
import { AutoTokenizer, env } from "@huggingface/transformers";

const here = path.dirname(url.fileURLToPath(import.meta.url));
const shared = path.resolve(here, "../../../../shared/tokenizers");
env.allowRemoteModels = false;
env.localModelPath = shared;

// The limit the truncation cases use (small, so a short text exceeds it).
const MAX_LENGTH = 16;

const cases = [
  { name: "plain", text: "Hello world" },
  { name: "sentence", text: "The quick brown fox jumps over the lazy dog." },
  { name: "accents", text: "Crème brûlée, naïve café, São Paulo, Ærøskøbing, résumé" },
  { name: "combining accents", text: "Cafe\u0301 and re\u0301sume\u0301 written with combining marks" },
  { name: "emoji", text: "I love it 😍🔥👍🏽 family: 👨‍👩‍👧 flags 🇫🇷🇯🇵" },
  { name: "cjk", text: "東京は日本の首都です。我爱北京天安门。한국어 텍스트도 있습니다." },
  { name: "arabic", text: "مرحبا بالعالم، هذا نص عربي للاختبار." },
  { name: "whitespace runs", text: "  leading, inner   runs\tof\t\ttabs\n\nand newlines, trailing   " },
  { name: "urls", text: "Visit https://huggingface.co/docs/tokenizers?lang=en#quick-tour or mail me@example.org" },
  { name: "numbers and symbols", text: "Order #12345 costs $1,299.99 (15% off!) — 3.14159 ≈ π; a/b=c*d" },
  { name: "mixed case", text: "HeLLo WoRLD, iPhone, McDonald's, NASA, e.e. cummings" },
  { name: "contractions", text: "I'm sure you'll say it's what we'd've done, isn't it?" },
  { name: "pair", text: "A man is playing a guitar.", textPair: "Someone plays an instrument." },
  { name: "pair with unicode", text: "Ça va très bien 😀", textPair: "东京 is in Japan" },
  {
    name: "longer than the limit",
    text: "This sentence is deliberately much longer than the small limit that the truncation cases use, so it must be cut.",
    truncation: true,
  },
  {
    name: "pair longer than the limit",
    text: "The first sentence of the pair is the longer one by quite a few words indeed.",
    textPair: "The second is shorter.",
    truncation: true,
  },
  {
    name: "pair both longer than half the limit",
    text: "Premise: both halves of this pair are long enough to be cut.",
    textPair: "Hypothesis: and so the rule gives each half the same number of tokens.",
    truncation: true,
  },
];

const families = ["bert", "roberta", "t5"];

// Zero-shot classification: each candidate label's hypothesis paired with the text, as Hugging Face's pipeline
// builds them (template.format(label)); the NLI test model uses the bert tokenizer.
const zeroShotCases = [
  {
    text: "The new phone has an excellent camera and a battery that lasts two days.",
    candidateLabels: ["technology", "sports", "cooking"],
    hypothesisTemplate: "This example is {}.",
  },
  {
    text: "Le gouvernement a voté une nouvelle loi sur l'énergie.",
    candidateLabels: ["politics", "science", "travel", "music"],
    hypothesisTemplate: "The topic of this text is {}.",
  },
];

function encode(tokenizer, text, textPair, addSpecialTokens) {
  const options = { add_special_tokens: addSpecialTokens, return_tensor: false, return_token_type_ids: true };
  if (textPair !== undefined) {
    options.text_pair = textPair;
  }
  const encoded = tokenizer(text, options);
  return {
    inputIds: Array.from(encoded.input_ids, Number),
    tokenTypeIds: encoded.token_type_ids ? Array.from(encoded.token_type_ids, Number) : null,
  };
}

// Where the content of `full` (specials included) sits, given the content alone: returns [prefix, suffix] counts
// of special tokens around a single sequence.
function specialsAround(full, content) {
  for (let start = 0; start + content.length <= full.length; start++) {
    if (content.every((id, i) => full[start + i] === id)) {
      return [start, full.length - start - content.length];
    }
  }
  throw new Error("content not found inside the full encoding");
}

// Hugging Face Rust's TruncationStrategy::LongestFirst for a pair, on the budget left after special tokens.
function longestFirst(n1, n2, budget) {
  if (n1 + n2 <= budget) {
    return [n1, n2];
  }
  let swap = false;
  if (n1 > n2) {
    [n1, n2] = [n2, n1];
    swap = true;
  }
  if (n1 > budget) {
    n2 = n1;
  } else {
    n2 = Math.max(n1, budget - n1);
  }
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}

function truncated(tokenizer, testCase) {
  const full = encode(tokenizer, testCase.text, testCase.textPair, true);
  const first = encode(tokenizer, testCase.text, undefined, false).inputIds;
  if (testCase.textPair === undefined) {
    const [prefix, suffix] = specialsAround(full.inputIds, first);
    const kept = first.slice(0, MAX_LENGTH - prefix - suffix);
    const ids = [...full.inputIds.slice(0, prefix), ...kept, ...full.inputIds.slice(full.inputIds.length - suffix)];
    return { inputIds: ids, tokenTypeIds: full.tokenTypeIds ? ids.map(() => 0) : null };
  }
  const second = encode(tokenizer, testCase.textPair, undefined, false).inputIds;
  const specials = full.inputIds.length - first.length - second.length;
  const [n1, n2] = longestFirst(first.length, second.length, MAX_LENGTH - specials);
  // Rebuild the pair from the cut halves through the tokenizer's own template: decode each cut half's ids by
  // locating them in the full sequence, whose layout is specials, first, specials, second, specials.
  const [prefix] = specialsAround(full.inputIds, first);
  const afterFirst = prefix + first.length;
  const secondStart = full.inputIds.indexOf(second[0], afterFirst);
  const ids = [
    ...full.inputIds.slice(0, prefix),
    ...first.slice(0, n1),
    ...full.inputIds.slice(afterFirst, secondStart),
    ...second.slice(0, n2),
    ...full.inputIds.slice(secondStart + second.length),
  ];
  let types = null;
  if (full.tokenTypeIds) {
    types = [
      ...full.tokenTypeIds.slice(0, prefix),
      ...full.tokenTypeIds.slice(prefix, prefix + n1),
      ...full.tokenTypeIds.slice(afterFirst, secondStart),
      ...full.tokenTypeIds.slice(secondStart, secondStart + n2),
      ...full.tokenTypeIds.slice(secondStart + second.length),
    ];
  }
  return { inputIds: ids, tokenTypeIds: types };
}

const output = { generator: "", maxLength: MAX_LENGTH, families: {} };
const pkg = JSON.parse(fs.readFileSync(path.join(here, "node_modules/@huggingface/transformers/package.json"), "utf8"));
output.generator = `@huggingface/transformers ${pkg.version}, node ${process.version}`;
for (const family of families) {
  const tokenizer = await AutoTokenizer.from_pretrained(family);
  output.families[family] = cases.map((testCase) => {
    const encoded = testCase.truncation
      ? truncated(tokenizer, testCase)
      : encode(tokenizer, testCase.text, testCase.textPair, true);
    return {
      name: testCase.name,
      text: testCase.text,
      textPair: testCase.textPair ?? null,
      truncation: testCase.truncation ?? false,
      inputIds: encoded.inputIds,
      tokenTypeIds: encoded.tokenTypeIds,
    };
  });
}
const nli = await AutoTokenizer.from_pretrained("bert");
output.zeroShot = zeroShotCases.map((zeroShot) => ({
  ...zeroShot,
  pairs: zeroShot.candidateLabels.map((label) => {
    const hypothesis = zeroShot.hypothesisTemplate.replace("{}", label);
    const encoded = encode(nli, zeroShot.text, hypothesis, true);
    return { hypothesis, inputIds: encoded.inputIds, tokenTypeIds: encoded.tokenTypeIds };
  }),
}));

// One case per line, arrays of ids inline: reviewable diffs.
const json = JSON.stringify(output, null, 1).replace(/\[\s*([-\d,\s]+?)\s*\]/g, (_, ids) => `[${ids.replace(/\s+/g, "")}]`);
process.stdout.write(json + "\n");
