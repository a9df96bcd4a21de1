using System.Buffers;
using System.IO.Compression;
using Inference.Engine.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Inference.Api.Apis;

/// <summary>
/// A request body read into a pooled buffer, refused with 413 as soon as it passes the limit (by Content-Length before
/// reading, by counting while reading otherwise). gzip and deflate request bodies (tritonclient's request compression)
/// are inflated, the limit applying to the inflated size. Dispose returns the buffer to the pool.
/// </summary>
public sealed class OpenInferenceRequestBody : IDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private byte[] _buffer;

    private OpenInferenceRequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public static async Task<OpenInferenceRequestBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        var compressed = encoding is "gzip" or "deflate";
        if (!compressed && encoding.Length > 0 && encoding != "identity")
        {
            throw new InferenceException(InferenceErrorKind.UnsupportedMediaType, $"Content-Encoding '{encoding}' is not supported; use gzip, deflate or none.");
        }
        var limit = (int)Math.Min(maxBytes, Array.MaxLength);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Counting below enforces our limit. The server's own (lower by default) must not apply: after a 413 Kestrel
            // drains the unread rest of the body (for a few seconds at most) only within it, and otherwise resets the
            // connection while the client is still sending, so the client never reads the 413.
            sizeFeature.MaxRequestBodySize = null;
        }
        if (!compressed && request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        await using var body = encoding switch
        {
            "gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => request.Body,
        };
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(compressed ? InitialBufferBytes : request.ContentLength ?? InitialBufferBytes, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(limit);
                    }
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > limit)
                {
                    throw TooLarge(limit);
                }
            }
            return new OpenInferenceRequestBody(buffer, length);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw TooLarge(limit);
        }
        catch (Exception exception) when (exception is BadHttpRequestException or InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw InferenceException.InvalidInput($"The request body could not be read: {exception.Message}");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static InferenceException TooLarge(long limit) =>
        new(InferenceErrorKind.PayloadTooLarge, $"The request body is larger than the {limit / (1024 * 1024.0):0.#} MiB accepted.");

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
