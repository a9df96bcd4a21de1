using System.Text.Json;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.Security;

/// <summary>401/403/429 bodies: ProblemDetails on the REST routes, the Open Inference Protocol's <c>{"error"}</c> under /v2.</summary>
public sealed class AccessErrorResponsesTests
{
    [Theory]
    [InlineData("/v2/models/sentiment/infer", true)]
    [InlineData("/V2/repository/index", true)]
    [InlineData("/api/predict/text", false)]
    [InlineData("/v2x/other", false)]
    public async Task ProtocolRoutesGetAnErrorObjectAndOthersProblemDetails(string path, bool protocol)
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();

        await AccessErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "A key is needed.");

        context.Response.Body.Position = 0;
        var body = (await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(401, context.Response.StatusCode);
        if (protocol)
        {
            Assert.Equal("A key is needed.", body.GetProperty("error").GetString());
            Assert.Single(body.EnumerateObject());
        }
        else
        {
            Assert.Equal("A key is needed.", body.GetProperty("detail").GetString());
            Assert.Equal(401, body.GetProperty("status").GetInt32());
            Assert.StartsWith("application/problem+json", context.Response.ContentType);
        }
    }
}
