using System.Text.Json;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// Hugging Face's own tokenizers library (Rust, through Tokenizers.DotNet) over a <see cref="TokenizerDefinition"/>:
/// normalizer, pre-tokenizer and model exactly as Hugging Face runs them. Returns the ids of the text alone; the
/// special tokens are the template's business.
/// </summary>
public sealed class HuggingFaceTokenizer : ISubwordTokenizer
{
    private readonly Tokenizers.DotNet.Tokenizer _tokenizer;
    private int _disposed;

    public HuggingFaceTokenizer(TokenizerDefinition definition)
    {
        Vocabulary = TokenVocabulary.Of(definition.Json);
        // The library loads definitions from files only.
        var path = Path.Combine(Path.GetTempPath(), $"inference-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, definition.Json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            _tokenizer = new Tokenizers.DotNet.Tokenizer(path);
        }
        catch (Tokenizers.DotNet.TokenizerException exception)
        {
            throw new ArgumentException($"the tokenizer ({definition.Kind}) could not be loaded: {exception.Message}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    public TokenVocabulary Vocabulary { get; }

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        var ids = _tokenizer.Encode(text);
        var result = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            result[i] = (int)ids[i];
        }
        return result;
    }

    /// <summary>Frees the native tokenizer once, however often it is called.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _tokenizer.Dispose();
        }
    }
}
