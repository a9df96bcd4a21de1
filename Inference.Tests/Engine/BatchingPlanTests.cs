using Inference.Engine.Execution;

namespace Inference.Tests.Engine;

/// <summary>Where a model version's batching settings, its queue-time budget included, come from.</summary>
public sealed class BatchingPlanTests
{
    [Fact]
    public void TheServerWideBudgetAppliesWhenTheModelSaysNothing()
    {
        var plan = BatchingPlan.For(new BatchingOptions { QueueTimeBudgetMs = 250 }, "m", model: null, fixedBatchDimension: -1);

        Assert.Equal(TimeSpan.FromMilliseconds(250), plan.QueueTimeBudget);
    }

    [Fact]
    public void ModelJsonOverridesTheServerAndTheServersEntryForTheModelOverridesBoth()
    {
        var fromModelJson = new ModelBatchingSettings { QueueTimeBudgetMs = 40, MaxBatchSize = 4 };
        var server = new BatchingOptions { QueueTimeBudgetMs = 250 };

        Assert.Equal(TimeSpan.FromMilliseconds(40), BatchingPlan.For(server, "m", fromModelJson, -1).QueueTimeBudget);

        server.Models["m"] = new ModelBatchingSettings { QueueTimeBudgetMs = 5 };
        var plan = BatchingPlan.For(server, "m", fromModelJson, -1);
        Assert.Equal(TimeSpan.FromMilliseconds(5), plan.QueueTimeBudget);
        Assert.Equal(4, plan.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(40), BatchingPlan.For(server, "other", fromModelJson, -1).QueueTimeBudget);
    }
}
