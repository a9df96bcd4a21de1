using Inference.Engine.Errors;
using Microsoft.ML.Tokenizers;

namespace Inference.Engine.Processing;

/// <summary>Token ids and attention mask for one text, as BERT-family models take them.</summary>
public sealed record EncodedText(long[] InputIds, long[] AttentionMask)
{
    public int Length => InputIds.Length;
}

/// <summary>BERT WordPiece encoding (Microsoft.ML.Tokenizers), the same scheme Hugging Face exports use.</summary>
public sealed class TextEncoder
{
    private readonly BertTokenizer _tokenizer;

    public TextEncoder(string vocabularyPath, bool lowercase, int maxSequenceLength)
    {
        _tokenizer = BertTokenizer.Create(vocabularyPath, new BertOptions
        {
            LowerCaseBeforeTokenization = lowercase,
            // Hugging Face strips accents whenever it lowercases (uncased models).
            RemoveNonSpacingMarks = lowercase,
        });
        MaxSequenceLength = maxSequenceLength;
    }

    public int MaxSequenceLength { get; }

    /// <summary>The id batches are padded with ([PAD]).</summary>
    public long PaddingId => _tokenizer.PaddingTokenId;

    /// <summary>
    /// Encodes <c>[CLS] text [SEP]</c>. Refuses (rather than silently truncates) a text longer than the
    /// model accepts, so a caller never gets a label for words the model did not see.
    /// </summary>
    public EncodedText Encode(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw InferenceException.InvalidInput("Text must not be empty or whitespace.");
        }

        var ids = _tokenizer.EncodeToIds(text, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true);
        if (ids.Count > MaxSequenceLength)
        {
            throw InferenceException.InvalidInput(
                $"Text is {ids.Count} tokens long; this model accepts at most {MaxSequenceLength} (special tokens included). Shorten it or split it.");
        }

        var inputIds = new long[ids.Count];
        var mask = new long[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            inputIds[i] = ids[i];
            mask[i] = 1;
        }
        return new EncodedText(inputIds, mask);
    }
}
