using System.Buffers;

namespace Inference.Api.Apis;

/// <summary>
/// Triton reads request JSON with rapidjson's kParseNanAndInfFlag, which accepts the bare tokens <c>NaN</c>,
/// <c>Inf</c> and <c>Infinity</c>, each optionally after a '-' (Python's json module writes <c>NaN</c>,
/// <c>Infinity</c> and <c>-Infinity</c>). <see cref="System.Text.Json.Utf8JsonReader"/> refuses them, so before
/// reading, each such token outside a string is replaced by <c>null</c> and its value remembered by the position of
/// that <c>null</c>: floating-point data takes it back; anywhere else it is refused as any <c>null</c> would be.
/// </summary>
public sealed class JsonNonFiniteLiterals
{
    private static readonly JsonNonFiniteLiterals None = new(new Dictionary<long, double>());

    private readonly Dictionary<long, double> _valuesByPosition;

    private JsonNonFiniteLiterals(Dictionary<long, double> valuesByPosition) => _valuesByPosition = valuesByPosition;

    /// <summary>The value of the literal replaced by the <c>null</c> at this byte position of the JSON returned by <see cref="Replace"/>.</summary>
    public bool TryGetValue(long position, out double value) => _valuesByPosition.TryGetValue(position, out value);

    /// <summary>
    /// The JSON with every non-finite literal replaced by <c>null</c>: the same span when it has none (the usual case),
    /// otherwise a copy.
    /// </summary>
    public static ReadOnlySpan<byte> Replace(ReadOnlySpan<byte> json, out JsonNonFiniteLiterals literals)
    {
        ArrayBufferWriter<byte>? replaced = null;
        Dictionary<long, double>? values = null;
        var copied = 0;
        var position = 0;
        while (position < json.Length)
        {
            // Outside strings, valid JSON has no capital letters: an 'N' or 'I' there can only start one of the literals.
            var next = json[position..].IndexOfAny("\"NI"u8);
            if (next < 0)
            {
                break;
            }
            next += position;
            if (json[next] == '"')
            {
                position = AfterString(json, next);
                continue;
            }
            var start = next > 0 && json[next - 1] == '-' ? next - 1 : next;
            var length = LiteralLength(json[next..]);
            if (length == 0)
            {
                // Not a literal: left in place for the reader to refuse.
                position = next + 1;
                continue;
            }
            replaced ??= new ArrayBufferWriter<byte>(json.Length + 16);
            values ??= [];
            replaced.Write(json[copied..start]);
            values[replaced.WrittenCount] = json[next] == 'N' ? double.NaN : start < next ? double.NegativeInfinity : double.PositiveInfinity;
            replaced.Write("null"u8);
            copied = position = next + length;
        }
        if (replaced is null)
        {
            literals = None;
            return json;
        }
        replaced.Write(json[copied..]);
        literals = new JsonNonFiniteLiterals(values!);
        return replaced.WrittenSpan;
    }

    /// <summary>Length of the literal at the start of <paramref name="text"/> when it is a whole token; 0 otherwise.</summary>
    private static int LiteralLength(ReadOnlySpan<byte> text)
    {
        var length = text.StartsWith("NaN"u8) ? 3 : text.StartsWith("Infinity"u8) ? 8 : text.StartsWith("Inf"u8) ? 3 : 0;
        return length > 0 && (length == text.Length || !char.IsAsciiLetterOrDigit((char)text[length])) ? length : 0;
    }

    /// <summary>The position after the string that opens at <paramref name="quote"/> (escaped quotes skipped); the end when it never closes.</summary>
    private static int AfterString(ReadOnlySpan<byte> json, int quote)
    {
        var position = quote + 1;
        while (position < json.Length)
        {
            var next = json[position..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                break;
            }
            position += next;
            if (json[position] == '"')
            {
                return position + 1;
            }
            position += 2;
        }
        return json.Length;
    }
}
