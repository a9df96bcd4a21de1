namespace Inference.Engine.Errors;

/// <summary>The engine's one error vocabulary; each transport maps it to its own status codes in one place.</summary>
public enum InferenceErrorKind
{
    /// <summary>The input is malformed or outside what the model accepts.</summary>
    InvalidInput,
    /// <summary>No such model, or no such version of it.</summary>
    ModelNotFound,
    /// <summary>The model exists but cannot serve (failed to load, or not loaded yet).</summary>
    ModelUnavailable,
    /// <summary>The payload is in a format the model's pre-processing cannot read.</summary>
    UnsupportedMediaType,
    /// <summary>The payload is over a configured size limit.</summary>
    PayloadTooLarge,
    /// <summary>The server is shedding load; the caller may retry later.</summary>
    Overloaded,
}

/// <summary>An expected failure with a message written for the caller.</summary>
public sealed class InferenceException(InferenceErrorKind kind, string message) : Exception(message)
{
    public InferenceErrorKind Kind { get; } = kind;

    /// <summary>When an overloaded or unavailable server expects to have room again; transports send it as Retry-After.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static InferenceException InvalidInput(string message) => new(InferenceErrorKind.InvalidInput, message);

    public static InferenceException ModelNotFound(string message) => new(InferenceErrorKind.ModelNotFound, message);
}
