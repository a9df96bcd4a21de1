using System.Runtime.InteropServices;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// Picks the tokenizer that runs a definition: Hugging Face's native library wherever it loads; where it has no build
/// for the platform (it is published for linux-x64 only), BERT WordPiece definitions run on the managed
/// <see cref="ManagedWordPieceTokenizer"/> and every other family is refused with a reason that says so.
/// </summary>
public static class SubwordTokenizer
{
    public static ISubwordTokenizer Create(TokenizerDefinition definition) =>
        Create(definition, native => new HuggingFaceTokenizer(native));

    /// <summary>As <see cref="Create(TokenizerDefinition)"/>, with the native tokenizer's constructor given (tests stand in a missing library).</summary>
    internal static ISubwordTokenizer Create(TokenizerDefinition definition, Func<TokenizerDefinition, ISubwordTokenizer> createNative)
    {
        try
        {
            return createNative(definition);
        }
        catch (Exception exception) when (IsMissingNativeLibrary(exception))
        {
            return ManagedWordPieceTokenizer.TryCreate(definition)
                ?? throw new ArgumentException(
                    $"the tokenizer ({definition.Kind}) needs Hugging Face's native tokenizers library, which has no build for "
                    + $"{RuntimeInformation.RuntimeIdentifier}; on this platform only BERT WordPiece tokenizers (vocab.txt) load.");
        }
    }

    private static bool IsMissingNativeLibrary(Exception exception) => exception switch
    {
        DllNotFoundException or EntryPointNotFoundException or BadImageFormatException => true,
        TypeInitializationException { InnerException: { } inner } => IsMissingNativeLibrary(inner),
        _ => false,
    };
}
