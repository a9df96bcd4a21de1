[assembly: AssemblyFixture(typeof(Inference.Tests.EndToEnd.AppHostFixture))]

namespace Inference.Tests.EndToEnd;

/// <summary>
/// The AppHost shared by most end-to-end tests (local Postgres and Redis, the API and the admin UI), since starting it
/// is the slow part.
/// </summary>
public sealed class AppHostFixture : AppHostFixtureBase
{
    public const long MaxModelUploadBytes = 4 * 1024 * 1024;

    private readonly ReferenceModelRoot _referenceModels = new();

    /// <summary>The extra model root the API serves from (models whose folders a test may change, then reload).</summary>
    public string ReferenceModelsPath => _referenceModels.Path;

    protected override TestAppHostOptions Options => new()
    {
        Name = "apphost",
        Arguments = [$"--Inference:ExtraModelRoots={_referenceModels.Path};{TestPaths.TestModels}"],
        ApiEnvironment = new Dictionary<string, string>
        {
            // Small enough for a test to go past it, large enough for the sentiment model's files.
            ["Inference__MaxModelUploadBytes"] = MaxModelUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            _referenceModels.Dispose();
        }
    }
}
