namespace Inference.Engine.Processing;

/// <summary>Tokenization for text models (BERT WordPiece, as Hugging Face exports it).</summary>
public sealed record TextSettings
{
    public string VocabFile { get; init; } = "vocab.txt";

    public bool Lowercase { get; init; } = true;

    /// <summary>Most tokens the model accepts, special tokens included. Longer texts are refused, not truncated.</summary>
    public int MaxSequenceLength { get; init; } = 128;
}
