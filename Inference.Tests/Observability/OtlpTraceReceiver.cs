using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Inference.Tests.Observability;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver on loopback: keeps every span posted to <c>/v1/traces</c> and answers metrics
/// and logs with an empty success, as a collector would.
/// </summary>
public sealed class OtlpTraceReceiver : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly CancellationTokenSource _stopping = new();

    private OtlpTraceReceiver(HttpListener listener, Uri endpoint)
    {
        (_listener, Endpoint) = (listener, endpoint);
        _ = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Every span received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public static OtlpTraceReceiver Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.ToString());
            try
            {
                listener.Start();
                return new OtlpTraceReceiver(listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                // Another process took the port between the probe and the start.
                listener.Close();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in OtlpSpanDecoder.Decode(body.ToArray()))
                {
                    _spans.Enqueue(span);
                }
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Close();
        _stopping.Dispose();
    }
}
