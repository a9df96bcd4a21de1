namespace Inference.Tests.Browser;

/// <summary>
/// The console tests that drive <see cref="ReferenceModelRoot.ConsoleModel"/> (unload, split, log): one at a time, so an
/// unload in one never meets a prediction in another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleModelCollection
{
    public const string Name = "Console model";
}
