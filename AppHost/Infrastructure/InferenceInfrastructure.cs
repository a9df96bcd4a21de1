namespace Aspire.Hosting;

/// <summary>
/// What <see cref="InfrastructureExtensions.AddInferenceInfrastructure"/> chose: Postgres and Redis resources, or (in
/// <see cref="InfrastructureMode.Embedded"/>) none of them and a folder for the API's SQLite file and the console's key ring.
/// </summary>
public sealed record InferenceInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString>? Database,
    IResourceBuilder<IResourceWithConnectionString>? Redis,
    string? EmbeddedDataDirectory)
{
    /// <summary>The database resource; every mode but embedded has one (publish mode always does).</summary>
    public IResourceBuilder<IResourceWithConnectionString> RequiredDatabase =>
        Database ?? throw new InvalidOperationException("Embedded mode has no database resource.");
}
