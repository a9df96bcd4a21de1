using Microsoft.AspNetCore.Components.Forms;

namespace Inference.Dashboard.Components.Predict;

/// <summary>An image the user picked, kept in memory so that it can be previewed and classified again.</summary>
public sealed record ChosenImage(string FileName, string? ContentType, byte[] Bytes)
{
    /// <summary>The bytes as a data URL, so that the preview needs no endpoint of its own.</summary>
    public string DataUrl { get; } =
        $"data:{(string.IsNullOrEmpty(ContentType) ? "application/octet-stream" : ContentType)};base64,{Convert.ToBase64String(Bytes)}";

    public static async Task<ChosenImage> ReadAsync(IBrowserFile file, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(capacity: (int)Math.Min(file.Size, maxBytes));
        await using (var upload = file.OpenReadStream(maxBytes, cancellationToken))
        {
            await upload.CopyToAsync(buffer, cancellationToken);
        }
        return new ChosenImage(file.Name, file.ContentType, buffer.ToArray());
    }
}
