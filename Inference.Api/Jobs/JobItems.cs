using System.Text.Json;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using SixLabors.ImageSharp;

namespace Inference.Api.Jobs;

/// <summary>What a job's items are, following its model's task.</summary>
public static class JobItemKinds
{
    public const string Text = "text";
    public const string Image = "image";
    public const string ZeroShot = "zero-shot";
    public const string Embedding = "embedding";

    /// <summary>Whether the items of <paramref name="kind"/> are texts (every kind but images).</summary>
    public static bool IsText(string kind) => kind != Image;

    /// <summary>The kind for <paramref name="model"/>; <paramref name="zeroShot"/>: the job gives candidate labels.</summary>
    public static string For(ModelVersion model, bool zeroShot = false) => model.Configuration.Task switch
    {
        ModelTasks.TextClassification when zeroShot && model.EntailmentLabels is not null => ZeroShot,
        ModelTasks.TextClassification => Text,
        ModelTasks.ImageClassification => Image,
        ModelTasks.FeatureExtraction => Embedding,
        var task => throw InferenceException.InvalidInput($"Model '{model.Name}' is a {task} model; batch jobs run text or image classification, zero-shot or embeddings."),
    };
}

/// <summary>One input of a job, in submission order: a text or an encoded image, never both.</summary>
public sealed record JobItem(int Index, string? Text, byte[]? Image);

/// <summary>
/// Turns submitted items (a JSON array, or the values of an uploaded file) into <see cref="JobItem"/>s, refusing the
/// whole submission on the first bad one so that nothing is created for it.
/// </summary>
public sealed class JobItemReader(BatchJobOptions jobs, InferenceOptions inference)
{
    private const string DataUriPrefix = "data:";

    /// <summary>
    /// Reads <c>items</c>: strings (texts for a text model, base64 or data URIs for an image model) or objects
    /// <c>{"text": ...}</c> / <c>{"image": ...}</c>.
    /// </summary>
    public IReadOnlyList<JobItem> FromJson(JsonElement? items, string kind, string model)
    {
        if (items is not { ValueKind: JsonValueKind.Array } array)
        {
            throw InferenceException.InvalidInput("The body needs an 'items' array, e.g. {\"model\": \"sentiment\", \"items\": [\"I loved it\", \"Too slow\"]}.");
        }
        var count = array.GetArrayLength();
        CheckCount(count);

        var result = new JobItem[count];
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var (itemKind, value) = Describe(element, index);
            if (itemKind is not null && JobItemKinds.IsText(itemKind) != JobItemKinds.IsText(kind))
            {
                throw InferenceException.InvalidInput($"Item {index} is {Article(itemKind)}, but model '{model}' takes {(JobItemKinds.IsText(kind) ? "text" : "image")}s.");
            }
            result[index] = Convert(value, kind, $"Item {index}", index);
            index++;
        }
        return result;
    }

    /// <summary>Reads the values of an uploaded file; <paramref name="positions"/> says where each came from (for messages).</summary>
    public IReadOnlyList<JobItem> FromValues(IReadOnlyList<string> values, IReadOnlyList<string> positions, string kind)
    {
        CheckCount(values.Count);
        var result = new JobItem[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            result[i] = Convert(values[i], kind, positions[i], i);
        }
        return result;
    }

    /// <summary>Refuses an empty list or one over the limit.</summary>
    public void CheckCount(int count)
    {
        if (count == 0)
        {
            throw InferenceException.InvalidInput("The job has no items.");
        }
        if (count > jobs.MaxItems)
        {
            throw InferenceException.InvalidInput($"The job has {count:N0} items; at most {jobs.MaxItems:N0} are accepted per job. Split it.");
        }
    }

    private static (string? Kind, string? Value) Describe(JsonElement element, int index) => element.ValueKind switch
    {
        JsonValueKind.String => (null, element.GetString()),
        JsonValueKind.Object when element.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String =>
            (JobItemKinds.Text, text.GetString()),
        JsonValueKind.Object when element.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.String =>
            (JobItemKinds.Image, image.GetString()),
        _ => throw InferenceException.InvalidInput(
            $"Item {index} is {element.ValueKind.ToString().ToLowerInvariant()}; an item is a string, {{\"text\": \"...\"}} or {{\"image\": \"<base64 or data URI>\"}}."),
    };

    private JobItem Convert(string? value, string kind, string position, int index)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw InferenceException.InvalidInput($"{position} is empty.");
        }
        if (JobItemKinds.IsText(kind))
        {
            if (value.Length > inference.MaxTextCharacters)
            {
                throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                    $"{position} is {value.Length:N0} characters; at most {inference.MaxTextCharacters:N0} are accepted.");
            }
            return new JobItem(index, value, null);
        }
        return new JobItem(index, null, DecodeImage(value, position));
    }

    /// <summary>Decodes base64 (or a base64 data URI) and checks the header names an image format; pixels are decoded when the item runs.</summary>
    private byte[] DecodeImage(string value, string position)
    {
        var payload = value.AsSpan().Trim();
        if (payload.StartsWith(DataUriPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var comma = payload.IndexOf(',');
            if (comma < 0 || !payload[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw InferenceException.InvalidInput($"{position} is a data URI without base64 data.");
            }
            payload = payload[(comma + 1)..];
        }

        var maxEncoded = (inference.MaxImageBytes + 2) / 3 * 4;
        if (payload.Length > maxEncoded + 4)
        {
            throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                $"{position} is larger than the {inference.MaxImageBytes / (1024 * 1024.0):0.#} MiB accepted per image.");
        }
        var bytes = new byte[payload.Length * 3 / 4 + 3];
        if (!System.Convert.TryFromBase64Chars(payload, bytes, out var written) || written == 0)
        {
            throw InferenceException.InvalidInput($"{position} is text, not a base64-encoded image or data URI.");
        }
        bytes = bytes[..written];
        if (Image.DetectFormat(bytes) is null)
        {
            throw InferenceException.InvalidInput($"{position} is not an image in a supported format (JPEG, PNG, WebP, GIF, BMP, TIFF, TGA, PBM).");
        }
        return bytes;
    }

    private static string Article(string kind) => kind == JobItemKinds.Image ? "an image" : "a text";
}
