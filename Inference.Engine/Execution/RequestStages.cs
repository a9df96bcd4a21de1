namespace Inference.Engine.Execution;

/// <summary>
/// The stages of <c>inference_request_stage_duration_seconds</c>, in the order a request passes them. The transport
/// records parse and serialize, the serving path cache and log, the engine the rest.
/// </summary>
public static class RequestStages
{
    /// <summary>Reading the body and decoding it (JSON, or the protocol's tensors), until the handler starts.</summary>
    public const string Parse = "parse";

    /// <summary>The response cache's own time: lookup and store, without the prediction it wraps.</summary>
    public const string Cache = "cache";

    /// <summary>Tokenization or image decoding and resizing.</summary>
    public const string Preprocess = "preprocess";

    /// <summary>Waiting for a batch to start.</summary>
    public const string Queue = "queue";

    /// <summary>The model run of the batch the request was in.</summary>
    public const string Run = "run";

    /// <summary>Softmax (or a sigmoid per label) and ranking of the run's output.</summary>
    public const string Postprocess = "postprocess";

    /// <summary>Handing the entry to the prediction log's queue (the database write happens later, apart).</summary>
    public const string Log = "log";

    /// <summary>From the handler's return to the response written: JSON and the socket.</summary>
    public const string Serialize = "serialize";
}
