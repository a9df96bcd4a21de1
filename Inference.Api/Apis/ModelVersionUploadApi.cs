using System.Security.Claims;
using Inference.Api.Auditing;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Inference.Api.Apis;

/// <summary>A version added by upload: its number, and the model as it now serves.</summary>
public sealed record ModelVersionAdded(int Version, ModelSummary Model);

/// <summary>
/// <c>POST /api/admin/models/{name}/versions</c>: a new version of a model, uploaded as <c>multipart/form-data</c> with the
/// ONNX file as <c>model</c> and any files the version needs beside it (vocabulary, tokenizer, <c>config.json</c>, labels) as
/// <c>files</c>. The parts stream to disk as they arrive; the version is served only once it has loaded.
/// </summary>
public static class ModelVersionUploadApi
{
    /// <summary>The form field of the ONNX file, stored as <c>model.onnx</c> whatever its name.</summary>
    public const string ModelField = "model";

    /// <summary>The form field of the version's other files, stored under their own names.</summary>
    public const string FilesField = "files";

    private const int MaxFiles = 32;

    public static RouteGroupBuilder MapModelVersionUpload(this RouteGroupBuilder admin)
    {
        admin.MapPost("/{name}/versions", UploadVersion).WithName("UploadModelVersion")
            .WithSummary("Add a new version of a model from uploaded files")
            .WithDescription($"multipart/form-data: '{ModelField}' is the ONNX file, '{FilesField}' (repeatable) the version's other files "
                             + "(vocab.txt, tokenizer.json, config.json, labels). The version takes the next number and serves only if it "
                             + "loads and warms up with the model's model.json; otherwise 400 says why and nothing is added.")
            .Accepts<IFormFile>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return admin;
    }

    public static async Task<Created<ModelVersionAdded>> UploadVersion(
        string name, HttpRequest request, ModelRepository repository, ModelAdministration models, IOptions<InferenceOptions> options,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var boundary = Boundary(request);
        LimitBody(request, options.Value.MaxModelUploadBytes);
        using var upload = repository.BeginUpload(name);
        await ReceiveFilesAsync(new MultipartReader(boundary, request.Body), upload, cancellationToken);
        var added = await models.AddVersionAsync(upload, ApiCaller.From(user), AuditChannels.Rest, cancellationToken);
        var model = ModelSummary.From(added.Model);
        return TypedResults.Created($"/api/models/{Uri.EscapeDataString(model.Name)}", new ModelVersionAdded(added.Version, model));
    }

    private static string Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw InferenceException.InvalidInput(
                $"Send multipart/form-data with the ONNX file as '{ModelField}' and the version's other files as '{FilesField}'.");
        }
        return boundary;
    }

    /// <summary>Refuses an oversized upload from its Content-Length, and stops reading one past the limit when none is declared.</summary>
    private static void LimitBody(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                $"The upload is {request.ContentLength / (1024 * 1024.0):0.#} MiB; a model version may be at most {maxBytes / (1024 * 1024.0):0.#} MiB.");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }
    }

    private static async Task ReceiveFilesAsync(MultipartReader reader, ModelVersionUpload upload, CancellationToken cancellationToken)
    {
        var received = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var path = TargetPath(section, upload);
                if (!received.Add(path))
                {
                    throw InferenceException.InvalidInput($"Two parts of the upload are named '{Path.GetFileName(path)}'.");
                }
                if (received.Count > MaxFiles)
                {
                    throw InferenceException.InvalidInput($"A version may have at most {MaxFiles} files.");
                }
                await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                    bufferSize: 81920, FileOptions.Asynchronous);
                await section.Body.CopyToAsync(file, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is InvalidDataException
                                              || exception is BadHttpRequestException { StatusCode: not StatusCodes.Status413PayloadTooLarge })
        {
            throw InferenceException.InvalidInput($"The multipart body could not be read: {exception.Message}");
        }
    }

    private static string TargetPath(MultipartSection section, ModelVersionUpload upload)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
        {
            throw InferenceException.InvalidInput(
                $"Every part must be a file: the ONNX file as '{ModelField}', the version's other files as '{FilesField}'.");
        }
        var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
        var fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "");
        return field switch
        {
            ModelField => upload.PathOf(ModelLoader.ModelFileName),
            FilesField when string.Equals(fileName, ModelLoader.ModelFileName, StringComparison.OrdinalIgnoreCase) =>
                throw InferenceException.InvalidInput($"Send the ONNX file as '{ModelField}', not among '{FilesField}'."),
            FilesField => upload.PathOf(fileName),
            _ => throw InferenceException.InvalidInput($"Unknown field '{field}': use '{ModelField}' and '{FilesField}'."),
        };
    }
}
