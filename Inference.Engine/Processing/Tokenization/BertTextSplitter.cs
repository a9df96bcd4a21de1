using System.Globalization;
using System.Text;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// Hugging Face's <c>BertNormalizer</c> and <c>BertPreTokenizer</c> for the managed WordPiece fallback: control
/// characters dropped and whitespace made spaces, CJK ideographs spaced, accents stripped (NFD, then non-spacing marks
/// dropped), lower case; then words split on whitespace with each punctuation character a word of its own.
/// </summary>
public sealed record BertTextSplitter(bool Lowercase, bool StripAccents, bool SpaceChineseCharacters)
{
    /// <summary>The words of <paramref name="text"/>, normalized, in order.</summary>
    public List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in Normalize(text).EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                Flush(word, words);
            }
            else if (IsPunctuation(rune))
            {
                Flush(word, words);
                words.Add(rune.ToString());
            }
            else
            {
                word.Append(rune.ToString());
            }
        }
        Flush(word, words);
        return words;
    }

    private string Normalize(string text)
    {
        var cleaned = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is 0 or 0xFFFD || IsControl(rune))
            {
                continue;
            }
            if (rune.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(rune))
            {
                cleaned.Append(' ');
            }
            else if (SpaceChineseCharacters && IsChineseCharacter(rune.Value))
            {
                cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                cleaned.Append(rune.ToString());
            }
        }
        var normalized = cleaned.ToString();
        if (StripAccents)
        {
            var stripped = new StringBuilder(normalized.Length);
            foreach (var rune in CanonicalDecomposition.Decompose(normalized).EnumerateRunes())
            {
                if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
                {
                    stripped.Append(rune.ToString());
                }
            }
            normalized = stripped.ToString();
        }
        return Lowercase ? normalized.ToLowerInvariant() : normalized;
    }

    private static void Flush(StringBuilder word, List<string> words)
    {
        if (word.Length > 0)
        {
            words.Add(word.ToString());
            word.Clear();
        }
    }

    /// <summary>Unicode's "other" categories, tab, newline and carriage return excepted (they are whitespace).</summary>
    private static bool IsControl(Rune rune) => rune.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;

    /// <summary>ASCII punctuation (which counts <c>$</c>, <c>+</c>, <c>=</c> and the like) and Unicode's punctuation categories.</summary>
    private static bool IsPunctuation(Rune rune) =>
        rune.IsAscii ? char.IsAsciiLetterOrDigit((char)rune.Value) is false && rune.Value is > 32 and < 127
            : Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
                or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>The CJK Unified Ideograph blocks BERT spaces out (not Hiragana, Katakana or Hangul).</summary>
    private static bool IsChineseCharacter(int value) => value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF)
        or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
        or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
