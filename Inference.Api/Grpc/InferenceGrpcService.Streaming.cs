using System.Threading.Channels;
using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Engine.Errors;

namespace Inference.Api.Grpc;

/// <summary>Triton's bidirectional <c>ModelStreamInfer</c>: every request on the stream runs exactly as a unary <c>ModelInfer</c>.</summary>
internal sealed partial class InferenceGrpcService
{
    /// <summary>Requests in flight on one stream at a time; reading waits beyond it, so a fast sender cannot queue without bound.</summary>
    private const int StreamRequestsInFlight = 64;

    /// <summary>
    /// Requests run concurrently (so they can share batches) and are answered in the order they came. A request that
    /// fails is answered with its <c>error_message</c> and id, as Triton does, and the stream goes on.
    /// </summary>
    public override async Task ModelStreamInfer(
        IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context)
    {
        var answers = Channel.CreateBounded<Task<ModelStreamInferResponse>>(new BoundedChannelOptions(StreamRequestsInFlight) { SingleReader = true, SingleWriter = true });
        var writing = WriteInOrderAsync(answers.Reader, responseStream, context.CancellationToken);
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            {
                await answers.Writer.WriteAsync(AnswerAsync(request, context), context.CancellationToken);
            }
        }
        finally
        {
            // Requests already read are still answered, also when reading ends in an error.
            answers.Writer.Complete();
            await writing;
        }
    }

    private async Task<ModelStreamInferResponse> AnswerAsync(ModelInferRequest request, ServerCallContext context)
    {
        try
        {
            return new ModelStreamInferResponse { InferResponse = await ModelInfer(request, context) };
        }
        catch (InferenceException exception)
        {
            return new ModelStreamInferResponse { ErrorMessage = exception.Message, InferResponse = new ModelInferResponse { Id = request.Id } };
        }
    }

    private static async Task WriteInOrderAsync(
        ChannelReader<Task<ModelStreamInferResponse>> answers, IServerStreamWriter<ModelStreamInferResponse> responseStream, CancellationToken cancellationToken)
    {
        await foreach (var answer in answers.ReadAllAsync(cancellationToken))
        {
            await responseStream.WriteAsync(await answer, cancellationToken);
        }
    }
}
