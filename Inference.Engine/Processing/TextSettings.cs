namespace Inference.Engine.Processing;

/// <summary>
/// Tokenization settings in model.json; each one absent is read from the model's Hugging Face files
/// (tokenizer.json, tokenizer_config.json, config.json).
/// </summary>
public sealed record TextSettings
{
    /// <summary>A WordPiece <c>vocab.txt</c> to use instead of the Hugging Face files.</summary>
    public string? VocabFile { get; init; }

    /// <summary>Lower-case (and strip accents) before WordPiece; tokenizer_config.json's <c>do_lower_case</c> when absent.</summary>
    public bool? Lowercase { get; init; }

    /// <summary>
    /// Most tokens the model accepts, special tokens included; when absent, tokenizer_config.json's
    /// <c>model_max_length</c>, else config.json's <c>max_position_embeddings</c>, else 512.
    /// </summary>
    public int? MaxSequenceLength { get; init; }
}
