using Inference.Api.Caching;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine;
using Inference.Engine.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inference.Api.Apis;

/// <summary>Zero-shot classification, embeddings and tokenization for Hugging Face text models.</summary>
public static class LanguageApi
{
    public static IEndpointRouteBuilder MapLanguageApi(this IEndpointRouteBuilder app)
    {
        var predict = app.MapGroup("api/predict").WithTags("Predict").AddEndpointFilter<InferenceErrorFilter>()
            .RequireInferAccess().WithRateLimit(RateLimitPolicies.Predict);

        predict.MapPost("/zero-shot", PredictZeroShot)
            .WithName("PredictZeroShot")
            .WithSummary("Score candidate labels for a text with an NLI model")
            .WithDescription("{\"model\", \"text\", \"candidateLabels\": [...], \"hypothesisTemplate\"?: \"This example is {}.\", \"multiLabel\"?: false}: "
                + "one (text, hypothesis) pair per label, run as one batch; scores as Hugging Face's zero-shot pipeline computes them, best first. "
                + "At most 100 labels. The model needs labels named entailment and contradiction.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        predict.MapPost("/embedding", PredictEmbedding)
            .WithName("PredictEmbedding")
            .WithSummary("Embed texts with an encoder model")
            .WithDescription("{\"model\", \"texts\": [...] or \"text\", \"normalize\"?: true, \"pooling\"?: \"mean\" | \"cls\"}: one vector per text; "
                + "mean pooling over the attention mask unless the model's 1_Pooling/config.json or the request says otherwise.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        app.MapGroup("api/models").WithTags("Models").AddEndpointFilter<InferenceErrorFilter>()
            .RequireInferAccess().WithRateLimit(RateLimitPolicies.Predict)
            .MapPost("/{name}/tokenize", Tokenize)
            .WithName("TokenizeText")
            .WithSummary("Show what a text model will see for a text")
            .WithDescription("{\"text\", \"textPair\"?, \"truncation\"?} → input ids, attention mask, token type ids (when the model takes them), "
                + "tokens, and whether the text was truncated. Over the limit without truncation: 400.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<ZeroShotResponse>> PredictZeroShot(
        ZeroShotRequest? request, HttpContext context, [AsParameters] PredictionServices services, CancellationToken cancellationToken)
    {
        if (request?.Text is null)
        {
            throw InferenceException.InvalidInput("The body must be JSON with 'model', 'text' and 'candidateLabels', e.g. "
                + "{\"model\": \"nli\", \"text\": \"I loved it\", \"candidateLabels\": [\"praise\", \"complaint\"]}.");
        }
        var question = new ZeroShotQuestion(request.Text, request.CandidateLabels ?? [],
            request.HypothesisTemplate ?? ZeroShotQuestion.DefaultTemplate, request.MultiLabel ?? false, request.Truncation ?? false);
        var served = await services.Serving.ClassifyZeroShotAsync(Call(context, "predict/zero-shot", request.Model, request.Version, request.ClientId, request.Cache),
            question, cancellationToken);
        PredictionHeaders.Write(context.Response, served.Version, served.Cache);
        return TypedResults.Ok(ZeroShotResponse.From(served.Result, served.Cache == CacheOutcome.Hit));
    }

    public static async Task<Ok<EmbeddingResponse>> PredictEmbedding(
        EmbeddingRequest? request, HttpContext context, [AsParameters] PredictionServices services, CancellationToken cancellationToken)
    {
        if (request is null || (request.Text is null) == (request.Texts is null))
        {
            throw InferenceException.InvalidInput("The body must be JSON with 'model' and either 'text' or 'texts', e.g. {\"model\": \"encoder\", \"texts\": [\"a\", \"b\"]}.");
        }
        var question = new EmbeddingQuestion(request.Texts ?? [request.Text!], request.Pooling, request.Normalize ?? true, request.Truncation ?? false);
        var served = await services.Serving.EmbedAsync(Call(context, "predict/embedding", request.Model, request.Version, request.ClientId, request.Cache),
            question, cancellationToken);
        PredictionHeaders.Write(context.Response, served.Version, served.Cache);
        return TypedResults.Ok(EmbeddingResponse.From(served.Result, served.Cache == CacheOutcome.Hit));
    }

    public static Ok<TokenizeResponse> Tokenize(string name, TokenizeRequest? request, [AsParameters] PredictionServices services)
    {
        if (request?.Text is null)
        {
            throw InferenceException.InvalidInput("The body must be JSON with a 'text' field, e.g. {\"text\": \"I loved it\"}.");
        }
        var tokenized = services.Serving.Tokenize(name, request.Version, new TextInput(request.Text, request.TextPair, request.Truncation ?? false));
        return TypedResults.Ok(TokenizeResponse.From(tokenized));
    }

    private static ServingCall Call(HttpContext context, string route, string? model, int? version, string? clientId, bool? cache) =>
        new(route, model, version, PredictionHeaders.StickyId(context, clientId), PredictionHeaders.KeyId(context),
            PredictionHeaders.UseCache(context.Request, cache));
}
