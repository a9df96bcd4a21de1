using System.Diagnostics.Metrics;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Inference.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Inference.Tests.Engine;

/// <summary>The engine on its own, no web host: the project's models plus the reference models, loaded once.</summary>
public sealed class EngineFixture : IDisposable
{
    private readonly ReferenceModelRoot _referenceModels = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public EngineFixture()
    {
        var options = Options.Create(new InferenceOptions
        {
            ModelRoots = [TestPaths.ProjectModels, _referenceModels.Path, TestPaths.TestModels],
            ExecutionProvider = ExecutionProviders.Cpu,
        });
        Repository = new ModelRepository(options, NullLogger<ModelRepository>.Instance);
        Repository.LoadAll();
        Engine = new InferenceEngine(Repository, options, new InferenceTelemetry(_services.GetRequiredService<IMeterFactory>()));
    }

    public ModelRepository Repository { get; }

    public InferenceEngine Engine { get; }

    public void Dispose()
    {
        Repository.Dispose();
        _services.Dispose();
        _referenceModels.Dispose();
    }
}
