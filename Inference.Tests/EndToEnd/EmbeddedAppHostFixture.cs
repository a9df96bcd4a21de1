namespace Inference.Tests.EndToEnd;

/// <summary>
/// The AppHost in embedded mode (SQLite in the fixture's folder, in-process cache, rate limits and job queue; no Postgres,
/// Redis or container), with the API and the admin console, serving the same models as <see cref="AppHostFixture"/>.
/// One instance is shared by the embedded flow tests.
/// </summary>
public sealed class EmbeddedAppHostFixture : AppHostFixtureBase
{
    private readonly ReferenceModelRoot _referenceModels = new();

    /// <summary>The API's SQLite file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "inference.db");

    protected override TestAppHostOptions Options => new()
    {
        Name = "embedded",
        InfrastructureMode = "embedded",
        Arguments = [$"--Inference:ExtraModelRoots={_referenceModels.Path};{TestPaths.TestModels}"],
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
