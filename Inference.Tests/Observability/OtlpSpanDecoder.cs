using Google.Protobuf;

namespace Inference.Tests.Observability;

/// <summary>
/// Reads the spans out of an OTLP <c>ExportTraceServiceRequest</c> by field number, with protobuf's wire reader:
/// request.resource_spans(1) → scope_spans(2) → spans(2) → trace_id(1), span_id(2), parent_span_id(4), name(5),
/// kind(6), attributes(9: key 1, value 2 → string 1 / bool 2 / int 3 / double 4), links(13: trace_id 1, span_id 2).
/// </summary>
public static class OtlpSpanDecoder
{
    public static IEnumerable<ReceivedSpan> Decode(byte[] request) =>
        Fields(request).Where(field => field.Number == 1)
            .SelectMany(resourceSpans => Fields(resourceSpans.Bytes).Where(field => field.Number == 2))
            .SelectMany(scopeSpans => Fields(scopeSpans.Bytes).Where(field => field.Number == 2))
            .Select(span => DecodeSpan(span.Bytes));

    private static ReceivedSpan DecodeSpan(byte[] span)
    {
        string traceId = "", spanId = "", parentId = "", name = "";
        var kind = SpanKind.Unspecified;
        var attributes = new Dictionary<string, string>();
        var links = new List<string>();
        foreach (var field in Fields(span))
        {
            switch (field.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(field.Bytes); break;
                case 2: spanId = Convert.ToHexStringLower(field.Bytes); break;
                case 4: parentId = Convert.ToHexStringLower(field.Bytes); break;
                case 5: name = System.Text.Encoding.UTF8.GetString(field.Bytes); break;
                case 6: kind = (SpanKind)field.Varint; break;
                case 9:
                    var (key, value) = DecodeAttribute(field.Bytes);
                    attributes[key] = value;
                    break;
                case 13:
                    links.Add(Convert.ToHexStringLower(Fields(field.Bytes).Single(linkField => linkField.Number == 2).Bytes));
                    break;
            }
        }
        return new ReceivedSpan(traceId, spanId, parentId, name, kind, attributes, links);
    }

    private static (string Key, string Value) DecodeAttribute(byte[] keyValue)
    {
        var key = "";
        var value = "";
        foreach (var field in Fields(keyValue))
        {
            if (field.Number == 1)
            {
                key = System.Text.Encoding.UTF8.GetString(field.Bytes);
            }
            else if (field.Number == 2 && Fields(field.Bytes).FirstOrDefault() is { } any)
            {
                value = any.Number switch
                {
                    1 => System.Text.Encoding.UTF8.GetString(any.Bytes),
                    2 => (any.Varint != 0).ToString(),
                    3 => ((long)any.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    4 => BitConverter.Int64BitsToDouble((long)any.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "",
                };
            }
        }
        return (key, value);
    }

    private sealed record Field(int Number, byte[] Bytes, ulong Varint);

    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited: fields.Add(new(number, input.ReadBytes().ToByteArray(), 0)); break;
                case WireFormat.WireType.Varint: fields.Add(new(number, [], input.ReadUInt64())); break;
                case WireFormat.WireType.Fixed64: fields.Add(new(number, [], input.ReadFixed64())); break;
                default: input.SkipLastField(); break;
            }
        }
        return fields;
    }
}
