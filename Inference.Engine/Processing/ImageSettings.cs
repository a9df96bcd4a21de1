namespace Inference.Engine.Processing;

/// <summary>How an uploaded picture becomes the model's input tensor.</summary>
public sealed record ImageSettings
{
    public int Width { get; init; } = 224;

    public int Height { get; init; } = 224;

    /// <summary>1 (grayscale by luminance) or 3 (RGB).</summary>
    public int Channels { get; init; } = 3;

    /// <summary><c>nchw</c> or <c>nhwc</c>.</summary>
    public string Layout { get; init; } = "nchw";

    /// <summary><c>center-crop</c> (shorter side to size/0.875, then the central crop, as ImageNet models expect) or <c>stretch</c>.</summary>
    public string Resize { get; init; } = "center-crop";

    /// <summary><c>bicubic</c>, <c>bilinear</c>, <c>box</c> (area average; best for large downscales) or <c>nearest</c>.</summary>
    public string Resampler { get; init; } = "bicubic";

    /// <summary>Use 1 - pixel/255, for models trained on light ink over a dark background.</summary>
    public bool Invert { get; init; }

    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];
}
