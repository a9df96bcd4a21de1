using System.Text;
using System.Text.Json;
using Inference.Api.Apis;

namespace Inference.Tests.OpenInference;

public sealed class JsonNonFiniteLiteralsTests
{
    [Fact]
    public void EachLiteralOutsideStringsBecomesANullThatRemembersItsValue()
    {
        var json = """{"data":[NaN,-NaN,Inf,-Inf,null,Infinity,-Infinity],"text":"NaN \"Infinity\" -Inf","Infinity":-Infinity}"""u8;

        var replaced = JsonNonFiniteLiterals.Replace(json, out var literals);

        Assert.Equal("""{"data":[null,null,null,null,null,null,null],"text":"NaN \"Infinity\" -Inf","Infinity":null}""",
            Encoding.UTF8.GetString(replaced));
        double?[] expected =
        [
            double.NaN, double.NaN, double.PositiveInfinity, double.NegativeInfinity, null, double.PositiveInfinity,
            double.NegativeInfinity, double.NegativeInfinity,
        ];
        Assert.Equal(expected, NullValues(replaced, literals));
    }

    [Theory]
    [InlineData("""{"a":[1,2.5,true,null,"NaN"]}""")]
    [InlineData("""{"a":[nan]}""")]
    [InlineData("""{"a":[NaNa]}""")]
    [InlineData("""{"a":[Infinit]}""")]
    [InlineData("""{"a":[Infinity2]}""")]
    [InlineData("""{"a":"unterminated \" NaN""")]
    public void JsonWithoutWholeLiteralsIsReturnedUncopied(string text)
    {
        var json = Encoding.UTF8.GetBytes(text);

        var replaced = JsonNonFiniteLiterals.Replace(json, out _);

        Assert.True(replaced == json.AsSpan());
    }

    /// <summary>For each null in the document, the value it stands for; null for a null that was written as null.</summary>
    private static double?[] NullValues(ReadOnlySpan<byte> json, JsonNonFiniteLiterals literals)
    {
        var values = new List<double?>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                values.Add(literals.TryGetValue(reader.TokenStartIndex, out var value) ? value : null);
            }
        }
        return [.. values];
    }
}
