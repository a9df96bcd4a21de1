using System.Buffers;
using Inference.Engine.Errors;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Transforms;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp;

namespace Inference.Engine.Processing;

/// <summary>Decodes an uploaded picture and writes it into a model's float input tensor.</summary>
public sealed class ImagePreprocessor
{
    // ImageNet convention: resize the shorter side to 256 for a 224 crop, i.e. keep the central 87.5%.
    private const float CenterCropFraction = 0.875f;

    private readonly ImageSettings _settings;
    private readonly long _maxPixels;
    private readonly IResampler _resampler;
    private readonly bool _channelsLast;

    public ImagePreprocessor(ImageSettings settings, long maxPixels)
    {
        if (settings.Channels is not (1 or 3))
        {
            throw new ArgumentException($"image.channels must be 1 or 3, not {settings.Channels}.");
        }
        if (settings.Mean.Count < settings.Channels || settings.Std.Count < settings.Channels || settings.Std.Any(s => s == 0))
        {
            throw new ArgumentException($"image.mean and image.std need {settings.Channels} value(s) each, std non-zero.");
        }

        _settings = settings;
        _maxPixels = maxPixels;
        _channelsLast = settings.Layout.ToLowerInvariant() switch
        {
            "nchw" => false,
            "nhwc" => true,
            var other => throw new ArgumentException($"image.layout '{other}' is not nchw or nhwc."),
        };
        _resampler = settings.Resampler.ToLowerInvariant() switch
        {
            "bicubic" => KnownResamplers.Bicubic,
            "bilinear" => KnownResamplers.Triangle,
            "box" => KnownResamplers.Box,
            "nearest" => KnownResamplers.NearestNeighbor,
            var other => throw new ArgumentException($"image.resampler '{other}' is not bicubic, bilinear, box or nearest."),
        };
        if (settings.Resize is not ("center-crop" or "stretch"))
        {
            throw new ArgumentException($"image.resize '{settings.Resize}' is not center-crop or stretch.");
        }
    }

    /// <summary>Shape of one image in the model's layout, without the batch dimension.</summary>
    public int[] SampleShape => _channelsLast
        ? [_settings.Height, _settings.Width, _settings.Channels]
        : [_settings.Channels, _settings.Height, _settings.Width];

    public int SampleLength => _settings.Channels * _settings.Height * _settings.Width;

    /// <summary>
    /// Writes the image into <paramref name="destination"/> (length <see cref="SampleLength"/>). The header is
    /// read first so an oversized picture is refused before any pixel is decoded; animations use their first frame.
    /// </summary>
    public void Preprocess(byte[] encoded, Span<float> destination)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(encoded);
        }
        catch (ImageFormatException exception)
        {
            throw InferenceException.InvalidInput($"The image could not be read: {exception.Message}");
        }

        if (info is null)
        {
            throw new InferenceException(InferenceErrorKind.UnsupportedMediaType,
                "The file is not an image in a supported format (JPEG, PNG, WebP, GIF, BMP, TIFF, TGA, PBM).");
        }
        if ((long)info.Width * info.Height > _maxPixels)
        {
            throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                $"The image is {info.Width}x{info.Height} pixels; at most {_maxPixels:N0} pixels are accepted.");
        }

        try
        {
            using var image = Image.Load<Rgba32>(encoded);
            image.Mutate(context =>
            {
                // Transparent areas become white paper, not black ink.
                context.BackgroundColor(Color.White);
                Resize(context);
            });
            WriteTensor(image, destination);
        }
        catch (ImageFormatException exception)
        {
            throw InferenceException.InvalidInput($"The image could not be decoded: {exception.Message}");
        }
    }

    private void Resize(IImageProcessingContext context)
    {
        var target = new Size(_settings.Width, _settings.Height);
        if (_settings.Resize == "stretch")
        {
            context.Resize(new ResizeOptions { Size = target, Mode = ResizeMode.Stretch, Sampler = _resampler });
            return;
        }

        var scaled = new Size((int)MathF.Round(target.Width / CenterCropFraction), (int)MathF.Round(target.Height / CenterCropFraction));
        context.Resize(new ResizeOptions { Size = scaled, Mode = ResizeMode.Crop, Sampler = _resampler });
        context.Crop(new Rectangle((scaled.Width - target.Width) / 2, (scaled.Height - target.Height) / 2, target.Width, target.Height));
    }

    private void WriteTensor(Image<Rgba32> image, Span<float> destination)
    {
        var settings = _settings;
        var channels = settings.Channels;
        var planeSize = settings.Width * settings.Height;
        Span<float> scale = stackalloc float[channels];
        Span<float> offset = stackalloc float[channels];
        for (var c = 0; c < channels; c++)
        {
            // (v - mean) / std folded into one multiply-add per value.
            scale[c] = 1f / settings.Std[c];
            offset[c] = -settings.Mean[c] / settings.Std[c];
        }

        var pixels = ArrayPool<Rgba32>.Shared.Rent(planeSize);
        try
        {
            image.CopyPixelDataTo(pixels.AsSpan(0, planeSize));
            for (var pixelIndex = 0; pixelIndex < planeSize; pixelIndex++)
            {
                var pixel = pixels[pixelIndex];
                for (var c = 0; c < channels; c++)
                {
                    float raw = channels == 1
                        ? 0.299f * pixel.R + 0.587f * pixel.G + 0.114f * pixel.B
                        : c switch { 0 => pixel.R, 1 => pixel.G, _ => pixel.B };
                    var value = settings.Invert ? 1f - raw / 255f : raw / 255f;
                    var index = _channelsLast ? pixelIndex * channels + c : c * planeSize + pixelIndex;
                    destination[index] = value * scale[c] + offset[c];
                }
            }
        }
        finally
        {
            ArrayPool<Rgba32>.Shared.Return(pixels);
        }
    }
}
