using System.Net;
using System.Text.Json;

namespace Inference.Tests.Observability;

[Collection(ObservabilityCollection.Name)]
public sealed class PrometheusExpositionTests(ObservabilityFixture fixture)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManagementPortServesMetricsInTritonsFormatAndThePublicPortDoesNot()
    {
        using var management = new HttpClient { BaseAddress = fixture.ManagementUrl };
        // A histogram has no series before its first measurement, and this test may be the first to run on the fixture.
        await ServingTraffic.PredictTextAsync(fixture.Api, "A prediction so the latency histogram has a series.");

        // Prometheus asks for OpenMetrics first; Triton's names need the classic text format. The exporter may answer
        // from its cache of the previous scrape for a moment, so the prediction shows in a later one.
        var (status, mediaType, text) = await Eventually.PollAsync(_ => ScrapeAsOpenMetricsScraperAsync(management),
            scrape => scrape.Text.Contains("# TYPE inference_request_duration_seconds histogram", StringComparison.Ordinal),
            SettleTimeout, scrape => $"the scrape ({(int)scrape.Status}) has no latency histogram:\n{scrape.Text}", Cancellation);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain", mediaType);
        Assert.Contains("# TYPE nv_inference_request_success counter", text);
        Assert.Contains("# TYPE nv_inference_pending_request_count gauge", text);
        Assert.Contains("nv_inference_exec_count{model=\"sentiment\",version=\"1\"}", text);
        Assert.Contains("# TYPE inference_request_duration_seconds histogram", text);
        Assert.Contains("# TYPE inference_model_ready gauge", text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Contains("dotnet_gc_collections_total", text);
        Assert.DoesNotContain("otel_scope_name", text);
        // No CUDA here: the GPU series are absent, not zero.
        Assert.DoesNotContain("inference_gpu_", text);

        using var publicMetrics = await fixture.Api.GetAsync("/metrics", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, publicMetrics.StatusCode);
        using var apiOnManagementPort = await management.GetAsync("/api/models", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, apiOnManagementPort.StatusCode);
    }

    [Fact]
    public async Task EveryServingPathCountsOnceInTritonsFamiliesAndTheyAgreeWithModelStatistics()
    {
        // The exporter may answer from its cache of a scrape taken before an earlier test's last request: start from a
        // scrape that has caught up with the model's statistics.
        var settled = await StatisticsAsync();
        var before = await Eventually.PollAsync(_ => ScrapeAsync(),
            scrape => Triton(scrape, "nv_inference_request_success") == settled.Success && Triton(scrape, "nv_inference_request_failure") == settled.Failure,
            SettleTimeout, scrape => $"the scrape has {Triton(scrape, "nv_inference_request_success")} successes, the statistics {settled.Success}",
            Cancellation);
        var tag = Guid.NewGuid().ToString("N")[..8];

        // 3 + 2 + 2 + 4 = 11 successes, 2 + 1 = 3 failures, over /api/predict, /v2 REST, gRPC and a batch job.
        for (var i = 0; i < 3; i++)
        {
            await ServingTraffic.PredictTextAsync(fixture.Api, $"Counted review {i} {tag}: a lovely film.");
        }
        for (var i = 0; i < 2; i++)
        {
            await ServingTraffic.InferRestAsync(fixture.Api, valid: true);
            await ServingTraffic.InferRestAsync(fixture.Api, valid: false);
            await ServingTraffic.InferGrpcAsync(fixture.GrpcEndpoint, valid: true);
        }
        await ServingTraffic.InferGrpcAsync(fixture.GrpcEndpoint, valid: false);
        await ServingTraffic.RunJobAsync(fixture.Api, 4, tag);

        var after = await Eventually.PollAsync(_ => ScrapeAsync(),
            scrape => Delta(before, scrape, "nv_inference_request_success") >= 11, SettleTimeout,
            scrape => $"nv_inference_request_success rose by {Delta(before, scrape, "nv_inference_request_success")}", Cancellation);

        Assert.Equal(11, Delta(before, after, "nv_inference_request_success"));
        Assert.Equal(3, Delta(before, after, "nv_inference_request_failure"));
        Assert.Equal(11, Delta(before, after, "nv_inference_count"));
        Assert.Equal(11, Delta(before, after, "inference_requests_total", ("outcome", "success")));
        Assert.Equal(3, Delta(before, after, "inference_requests_total") - 11);
        Assert.Equal(11, Delta(before, after, "inference_request_duration_seconds_count"));
        Assert.InRange(Delta(before, after, "nv_inference_exec_count"), 1, 11);

        // The scrape reads the statistics /v2/models/stats reports: the same figures, exactly.
        var statistics = await StatisticsAsync();
        var current = await ScrapeAsync();
        Assert.Equal(statistics.Success, Triton(current, "nv_inference_request_success"));
        Assert.Equal(statistics.Failure, Triton(current, "nv_inference_request_failure"));
        Assert.Equal(statistics.Inferences, Triton(current, "nv_inference_count"));
        Assert.Equal(statistics.Executions, Triton(current, "nv_inference_exec_count"));
        Assert.Equal(statistics.SuccessNs / 1000, Triton(current, "nv_inference_request_duration_us"));
        Assert.Equal(statistics.QueueNs / 1000, Triton(current, "nv_inference_queue_duration_us"));
        Assert.Equal(statistics.ComputeNs / 1000, Triton(current, "nv_inference_compute_infer_duration_us"));

        // The job's items are settled: the backlog the consumer measures returns to nothing.
        await Eventually.PollAsync(_ => ScrapeAsync(), scrape => scrape.Has("inference_jobs_backlog") && scrape.Sum("inference_jobs_backlog") == 0,
            SettleTimeout, scrape => $"the job backlog is {scrape.Sum("inference_jobs_backlog")}", Cancellation);

        // And Prometheus, scraping the same port, sees the same count.
        var scraped = await Eventually.PollAsync(
            token => fixture.Prometheus.ScalarAsync($"sum(nv_inference_request_success{{model=\"{ServingTraffic.Model}\"}})", token),
            value => value == statistics.Success, SettleTimeout, value => $"Prometheus has {value}, the statistics {statistics.Success}",
            Cancellation);
        Assert.Equal(statistics.Success, scraped);
    }

    [Fact]
    public async Task APredictionAndAProtocolInferenceRecordWhereTheirTimeWentStageByStage()
    {
        const string family = "inference_request_stage_duration_seconds_count";
        string[] everyStage = ["parse", "cache", "preprocess", "queue", "run", "postprocess", "log", "serialize"];
        var before = await ScrapeAsync();

        // A text never sent before, so the cache misses and the model runs; then raw tensors over /v2, which skip the
        // cache and the tokenizer but pass the transport's, the queue's, the run's and the log's stages.
        await ServingTraffic.PredictTextAsync(fixture.Api, $"Stage-timed review {Guid.NewGuid():N}: a quiet, lovely film.");
        await ServingTraffic.InferRestAsync(fixture.Api, valid: true);

        // Serialize is recorded once the response is written, a moment after the client reads it.
        var after = await Eventually.PollAsync(_ => ScrapeAsync(),
            scrape => Delta(before, scrape, family, ("stage", "serialize")) >= 2, SettleTimeout,
            scrape => $"the serialize stage rose by {Delta(before, scrape, family, ("stage", "serialize"))}", Cancellation);

        foreach (var stage in everyStage)
        {
            Assert.True(Delta(before, after, family, ("stage", stage)) >= 1, $"stage {stage} was not recorded:\n{after.Text}");
            Assert.True(Delta(before, after, "inference_request_stage_duration_seconds_sum", ("stage", stage)) > 0, $"stage {stage} took no time");
        }
        foreach (var stage in new[] { "parse", "queue", "run", "log", "serialize" })
        {
            Assert.True(Delta(before, after, family, ("stage", stage)) >= 2, $"stage {stage} missed one of the two requests");
        }
    }

    private static async Task<(HttpStatusCode Status, string? MediaType, string Text)> ScrapeAsOpenMetricsScraperAsync(HttpClient management)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        using var scrape = await management.SendAsync(request, Cancellation);
        return (scrape.StatusCode, scrape.Content.Headers.ContentType?.MediaType, await scrape.Content.ReadAsStringAsync(Cancellation));
    }

    private async Task<MetricsExposition> ScrapeAsync()
    {
        using var management = new HttpClient { BaseAddress = fixture.ManagementUrl };
        return new MetricsExposition(await management.GetStringAsync("/metrics", Cancellation));
    }

    private static double Triton(MetricsExposition scrape, string family) =>
        scrape.Sum(family, ("model", ServingTraffic.Model), ("version", "1"));

    private static double Delta(MetricsExposition before, MetricsExposition after, string family, params (string, string)[] labels) =>
        after.Sum(family, [("model", ServingTraffic.Model), .. labels]) - before.Sum(family, [("model", ServingTraffic.Model), .. labels]);

    private sealed record VersionStatistics(double Success, double Failure, double Inferences, double Executions, double SuccessNs, double QueueNs, double ComputeNs);

    private async Task<VersionStatistics> StatisticsAsync()
    {
        using var document = JsonDocument.Parse(await fixture.Api.GetStringAsync($"/v2/models/{ServingTraffic.Model}/versions/1/stats", Cancellation));
        var model = document.RootElement.GetProperty("model_stats").EnumerateArray().Single();
        var inference = model.GetProperty("inference_stats");
        double Count(string name) => inference.GetProperty(name).GetProperty("count").GetDouble();
        double Ns(string name) => Math.Floor(inference.GetProperty(name).GetProperty("ns").GetDouble() / 1000) * 1000;
        return new VersionStatistics(Count("success"), Count("fail"), model.GetProperty("inference_count").GetDouble(),
            model.GetProperty("execution_count").GetDouble(), Ns("success"), Ns("queue"), Ns("compute_infer"));
    }
}
