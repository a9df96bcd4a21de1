using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;
using YamlDotNet.Serialization.NamingConventions;

namespace AppHost.Publishing;

/// <summary>Writes a <see cref="ComposeFile"/> as YAML that Docker Compose v1 and v2 both read the same way.</summary>
public static class ComposeYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .WithQuotingNecessaryStrings()
        .WithEventEmitter(next => new Yaml11QuotingEmitter(next))
        .WithIndentedSequences()
        .DisableAliases()
        .WithNewLine("\n")
        .Build();

    public static string Serialize(ComposeFile file) => Serializer.Serialize(file);

    /// <summary>
    /// Quotes strings that YAML 1.1, which Compose v1 reads, takes for something else: <c>no</c> or <c>on</c> for a
    /// boolean, a port mapping such as <c>5080:8080</c> for a base-60 number.
    /// </summary>
    private sealed class Yaml11QuotingEmitter(IEventEmitter next) : ChainedEventEmitter(next)
    {
        private static readonly HashSet<string> Yaml11Booleans = new(StringComparer.OrdinalIgnoreCase)
        {
            "y", "n", "yes", "no", "true", "false", "on", "off",
        };

        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text && eventInfo.Style == ScalarStyle.Any
                && (text.Contains(':') || Yaml11Booleans.Contains(text)))
            {
                eventInfo.Style = ScalarStyle.DoubleQuoted;
            }
            base.Emit(eventInfo, emitter);
        }
    }
}
