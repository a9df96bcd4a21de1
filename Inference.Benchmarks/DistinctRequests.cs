using System.Globalization;
using System.Net;
using System.Text;

namespace Inference.Benchmarks;

/// <summary>
/// Request factories for the load generator. Every request carries different bytes, since the API answers a
/// repeated input from its cache; the bytes are prepared before the timed part so the generator stays light.
/// </summary>
public static class DistinctRequests
{
    /// <summary>
    /// JSON text requests, one pre-serialized body each. Past the end of <paramref name="bodies"/> they wrap around,
    /// which the results show as cache hits.
    /// </summary>
    public static Func<HttpRequestMessage> Text(Uri apiBase, byte[][] bodies) => Json(apiBase, "api/predict/text", bodies);

    /// <summary>As <see cref="Text"/>, to any JSON route (zero-shot, embeddings).</summary>
    public static Func<HttpRequestMessage> Json(Uri apiBase, string path, byte[][] bodies)
    {
        var route = new Uri(apiBase, path);
        var next = -1L;
        return () =>
        {
            var body = bodies[Interlocked.Increment(ref next) % bodies.Length];
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return new HttpRequestMessage(HttpMethod.Post, route) { Content = content, Version = HttpVersion.Version11 };
        };
    }

    /// <summary>Takes turns among several request factories, so one load mixes models and routes.</summary>
    public static Func<HttpRequestMessage> RoundRobin(IReadOnlyList<Func<HttpRequestMessage>> factories)
    {
        var next = -1L;
        return () => factories[(int)(Interlocked.Increment(ref next) % factories.Count)]();
    }

    /// <summary>
    /// Multipart uploads of one JPEG photo made distinct by a numbered comment segment (COM), which decoders skip.
    /// </summary>
    public static Func<HttpRequestMessage> Image(Uri apiBase, string model, string jpegPath, long firstIndex)
    {
        var route = new Uri(apiBase, $"api/predict/image?model={Uri.EscapeDataString(model)}");
        var upload = new NumberedJpegUpload(File.ReadAllBytes(jpegPath), Path.GetFileName(jpegPath));
        var next = firstIndex - 1;
        return () => new HttpRequestMessage(HttpMethod.Post, route)
        {
            Content = upload.CreateContent(Interlocked.Increment(ref next)),
            Version = HttpVersion.Version11,
        };
    }

    /// <summary>A multipart body split around the comment's number: a shared head and tail, 16 digits between.</summary>
    private sealed class NumberedJpegUpload
    {
        private const string Boundary = "benchmark-boundary-6f1c2d";
        private const int NumberDigits = 16;

        private readonly byte[] _head;
        private readonly byte[] _tail;

        public NumberedJpegUpload(byte[] jpeg, string fileName)
        {
            if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            {
                throw new InvalidDataException($"{fileName} is not a JPEG file.");
            }
            // After the JFIF APP0 segment when there is one, since JFIF wants APP0 right after the start marker.
            var insertAt = jpeg[2] == 0xFF && jpeg[3] == 0xE0 ? 4 + (jpeg[4] << 8 | jpeg[5]) : 2;
            var segmentLength = 2 + NumberDigits;
            byte[] commentMarker = [0xFF, 0xFE, (byte)(segmentLength >> 8), (byte)segmentLength];

            var partHeader = Encoding.ASCII.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: image/jpeg\r\n\r\n");
            _head = [.. partHeader, .. jpeg.AsSpan(0, insertAt), .. commentMarker];
            _tail = [.. jpeg.AsSpan(insertAt), .. Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n")];
        }

        public HttpContent CreateContent(long number) => new NumberedContent(this, number);

        private sealed class NumberedContent : HttpContent
        {
            private readonly NumberedJpegUpload _upload;
            private readonly long _number;

            public NumberedContent(NumberedJpegUpload upload, long number)
            {
                _upload = upload;
                _number = number;
                Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
            }

            protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
                SerializeToStreamAsync(stream, context, CancellationToken.None);

            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
            {
                await stream.WriteAsync(_upload._head, cancellationToken);
                await stream.WriteAsync(Encoding.ASCII.GetBytes(_number.ToString($"D{NumberDigits}", CultureInfo.InvariantCulture)), cancellationToken);
                await stream.WriteAsync(_upload._tail, cancellationToken);
            }

            protected override bool TryComputeLength(out long length)
            {
                length = _upload._head.Length + NumberDigits + _upload._tail.Length;
                return true;
            }
        }
    }
}
