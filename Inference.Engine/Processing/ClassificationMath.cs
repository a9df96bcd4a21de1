namespace Inference.Engine.Processing;

/// <summary>A label with its probability.</summary>
public sealed record ClassScore(string Label, float Score);

/// <summary>Turns a model's raw output row into ranked class scores.</summary>
public static class ClassificationMath
{
    /// <summary>Numerically stable softmax (subtracts the maximum before exponentiating).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.Length != probabilities.Length)
        {
            throw new ArgumentException("Input and output lengths differ.", nameof(probabilities));
        }

        var max = float.NegativeInfinity;
        foreach (var value in logits)
        {
            max = Math.Max(max, value);
        }

        var sum = 0f;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }

        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] /= sum;
        }
    }

    /// <summary>The logistic function per value: independent probabilities for multi-label models.</summary>
    public static void Sigmoid(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.Length != probabilities.Length)
        {
            throw new ArgumentException("Input and output lengths differ.", nameof(probabilities));
        }
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = 1f / (1f + MathF.Exp(-logits[i]));
        }
    }

    /// <summary>The <paramref name="count"/> highest scores, best first; ties keep the lower class index first.</summary>
    public static ClassScore[] TopK(ReadOnlySpan<float> probabilities, IReadOnlyList<string> labels, int count)
    {
        count = Math.Clamp(count, 1, probabilities.Length);
        var best = new int[count];
        var filled = 0;
        for (var index = 0; index < probabilities.Length; index++)
        {
            // Insertion into a small sorted prefix: k is tiny, so this beats sorting all classes.
            var position = filled;
            while (position > 0 && probabilities[best[position - 1]] < probabilities[index])
            {
                position--;
            }
            if (position >= count)
            {
                continue;
            }
            var end = Math.Min(filled, count - 1);
            for (var shift = end; shift > position; shift--)
            {
                best[shift] = best[shift - 1];
            }
            best[position] = index;
            filled = Math.Min(filled + 1, count);
        }

        var result = new ClassScore[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = new ClassScore(LabelAt(labels, best[i]), probabilities[best[i]]);
        }
        return result;
    }

    private static string LabelAt(IReadOnlyList<string> labels, int index) =>
        index < labels.Count ? labels[index] : $"class_{index}";
}
