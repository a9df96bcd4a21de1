using Inference.Engine.Errors;
using Inference.Engine.Processing;
using Inference.Engine.Repository;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;

namespace Inference.Tests.Engine;

public sealed class ImagePreprocessorTests
{
    private static readonly ImageSettings ImageNet = new()
    {
        Width = 224, Height = 224, Channels = 3, Layout = "nchw", Resize = "center-crop",
        Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
    };

    private static byte[] SolidPng(int width, int height, Rgba32 colour)
    {
        using var image = new Image<Rgba32>(width, height, colour);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    [Fact]
    public void PhotoBecomesANormalisedChannelsFirstTensor()
    {
        var preprocessor = new ImagePreprocessor(ImageNet, maxPixels: 40_000_000);
        var tensor = new float[preprocessor.SampleLength];

        preprocessor.Preprocess(File.ReadAllBytes(TestPaths.TestImage("goldfish.jpg")), tensor);

        Assert.Equal([3, 224, 224], preprocessor.SampleShape);
        Assert.All(tensor, value => Assert.InRange(value, -2.2f, 2.7f));
        Assert.True(tensor.Distinct().Count() > 300, "a photo spans many intensity levels in every channel");
    }

    [Fact]
    public void SolidColourMapsToMeanAndStdPerChannel()
    {
        var preprocessor = new ImagePreprocessor(ImageNet, maxPixels: 40_000_000);
        var tensor = new float[preprocessor.SampleLength];

        preprocessor.Preprocess(SolidPng(300, 200, new Rgba32(255, 0, 128)), tensor);

        const int plane = 224 * 224;
        Assert.Equal((1f - 0.485f) / 0.229f, tensor[0], 3);
        Assert.Equal((0f - 0.456f) / 0.224f, tensor[plane], 3);
        Assert.Equal((128f / 255f - 0.406f) / 0.225f, tensor[2 * plane + 1000], 3);
    }

    [Fact]
    public void ChannelsLastLayoutInterleavesChannels()
    {
        var preprocessor = new ImagePreprocessor(ImageNet with { Layout = "nhwc" }, maxPixels: 40_000_000);
        var tensor = new float[preprocessor.SampleLength];

        preprocessor.Preprocess(SolidPng(50, 50, new Rgba32(255, 0, 128)), tensor);

        Assert.Equal([224, 224, 3], preprocessor.SampleShape);
        Assert.Equal((1f - 0.485f) / 0.229f, tensor[3], 3);
        Assert.Equal((0f - 0.456f) / 0.224f, tensor[4], 3);
    }

    [Fact]
    public void GrayscaleInvertTurnsWhitePaperIntoZeroAndTransparencyIntoPaper()
    {
        var digits = new ImageSettings { Width = 8, Height = 8, Channels = 1, Resize = "stretch", Resampler = "box", Invert = true, Mean = [0f], Std = [1f] };
        var preprocessor = new ImagePreprocessor(digits, maxPixels: 40_000_000);
        var white = new float[64];
        var transparent = new float[64];
        var black = new float[64];

        preprocessor.Preprocess(SolidPng(64, 64, new Rgba32(255, 255, 255)), white);
        preprocessor.Preprocess(SolidPng(64, 64, new Rgba32(0, 0, 0, 0)), transparent);
        preprocessor.Preprocess(SolidPng(64, 64, new Rgba32(0, 0, 0)), black);

        Assert.All(white, value => Assert.Equal(0f, value, 3));
        Assert.All(transparent, value => Assert.Equal(0f, value, 3));
        Assert.All(black, value => Assert.Equal(1f, value, 3));
    }

    [Fact]
    public void NonImageBytesAreAnUnsupportedMediaType()
    {
        var preprocessor = new ImagePreprocessor(ImageNet, maxPixels: 40_000_000);

        var error = Assert.Throws<InferenceException>(() => preprocessor.Preprocess("hello"u8.ToArray(), new float[preprocessor.SampleLength]));

        Assert.Equal(InferenceErrorKind.UnsupportedMediaType, error.Kind);
    }

    [Fact]
    public void ImageOverThePixelLimitIsRefusedBeforeDecoding()
    {
        var preprocessor = new ImagePreprocessor(ImageNet, maxPixels: 100 * 100);

        var error = Assert.Throws<InferenceException>(() => preprocessor.Preprocess(SolidPng(101, 100, new Rgba32(1, 2, 3)), new float[preprocessor.SampleLength]));

        Assert.Equal(InferenceErrorKind.PayloadTooLarge, error.Kind);
    }

    [Theory]
    [InlineData(2, "nchw", "stretch", "bicubic")]
    [InlineData(3, "chw", "stretch", "bicubic")]
    [InlineData(3, "nchw", "zoom", "bicubic")]
    [InlineData(3, "nchw", "stretch", "lanczos9")]
    public void InvalidSettingsAreRejectedAtLoad(int channels, string layout, string resize, string resampler)
    {
        var settings = ImageNet with { Channels = channels, Layout = layout, Resize = resize, Resampler = resampler };

        Assert.Throws<ArgumentException>(() => new ImagePreprocessor(settings, 1000));
    }
}
