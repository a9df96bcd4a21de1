namespace Inference.Api.OpenInference;

/// <summary>
/// One row of Triton's repository index: a served version (READY), a version an administrator unloaded (UNAVAILABLE,
/// "unloaded"), or a model that could not load (UNAVAILABLE with its reason, no version).
/// </summary>
public sealed record RepositoryIndexRow(string Name, string Version, string State, string Reason);
