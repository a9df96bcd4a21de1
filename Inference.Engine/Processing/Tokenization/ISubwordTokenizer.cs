namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// The text-to-ids step of a tokenizer: normalizer, pre-tokenizer and model, without special tokens (the
/// <see cref="SpecialTokenTemplate"/> adds those after truncation).
/// </summary>
public interface ISubwordTokenizer : IDisposable
{
    /// <summary>Token text by id and id by token text.</summary>
    TokenVocabulary Vocabulary { get; }

    /// <summary>Token ids of <paramref name="text"/>, without special tokens.</summary>
    int[] Encode(string text);
}
