using System.Globalization;

namespace AppHost.Publishing;

/// <summary>
/// Turns values of the app model (connection strings, endpoint references, parameters) into Compose text.
/// Parameters become <c>${NAME}</c> references to the <c>.env</c> file; secret parameters become
/// <c>{secret:name}</c> references to Compose secrets (files), which <see cref="ComposeSecrets"/> hands to each service,
/// so no secret value is written into the Compose file or a container's environment. Literal text has its <c>$</c>
/// doubled so Compose does not interpolate it.
/// </summary>
public sealed class ComposeValueResolver(ComposeEndpoints endpoints, ComposeEnvironmentFile environmentFile)
{
    /// <summary>The Compose text for a value, or null when it refers to an endpoint Compose does not publish.</summary>
    public async ValueTask<string?> ResolveAsync(object? value, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case null:
                return string.Empty;
            case string text:
                return EscapeLiteral(text);
            case ParameterResource parameter:
                return ReferToParameter(parameter);
            case ConnectionStringReference reference:
                return await ResolveAsync(reference.Resource.ConnectionStringExpression, cancellationToken);
            case IResourceWithConnectionString resource:
                return await ResolveAsync(resource.ConnectionStringExpression, cancellationToken);
            case EndpointReference endpoint:
                return endpoints.Resolve(endpoint, EndpointProperty.Url);
            case EndpointReferenceExpression expression:
                return endpoints.Resolve(expression.Endpoint, expression.Property);
            case ReferenceExpression { IsConditional: true } conditional:
                // Decided now, from what the Compose network offers (e.g. no TLS between containers).
                var condition = await ResolveAsync(conditional.Condition, cancellationToken);
                var branch = string.Equals(condition, conditional.MatchValue, StringComparison.OrdinalIgnoreCase)
                    ? conditional.WhenTrue!
                    : conditional.WhenFalse!;
                return await ResolveAsync(branch, cancellationToken);
            case ReferenceExpression expression:
                return await ResolveFormatAsync(expression, cancellationToken);
            case bool flag:
                return flag ? "true" : "false";
            case IFormattable formattable and not IValueProvider:
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            default:
                throw new NotSupportedException(
                    $"A {value.GetType().Name} has no Compose equivalent; extend {nameof(ComposeValueResolver)} to map it.");
        }
    }

    /// <summary>Doubles <c>$</c> so Compose passes the text through instead of interpolating it.</summary>
    public static string EscapeLiteral(string text) => text.Replace("$", "$$", StringComparison.Ordinal);

    private async ValueTask<string?> ResolveFormatAsync(ReferenceExpression expression, CancellationToken cancellationToken)
    {
        var parts = new object[expression.ValueProviders.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            if (expression.StringFormats.Count > i && expression.StringFormats[i] is { } format)
            {
                // Such as URI-encoding a password: Compose substitutes variables verbatim and cannot do it.
                throw new NotSupportedException(
                    $"'{expression.ValueExpression}' formats a value as '{format}', which Compose cannot do; " +
                    "inject fewer reference variables (WithReferenceEnvironment) or pass the value unformatted.");
            }
            var part = await ResolveAsync(expression.ValueProviders[i], cancellationToken);
            if (part is null)
            {
                return null;
            }
            parts[i] = part;
        }
        return string.Format(CultureInfo.InvariantCulture, EscapeLiteral(expression.Format), parts);
    }

    private string ReferToParameter(ParameterResource parameter)
    {
        if (parameter.Secret)
        {
            environmentFile.SecretFile(parameter.Name);
            return ComposeSecrets.Reference(parameter.Name);
        }
        return environmentFile.Required(ComposeEnvironmentFile.VariableName(parameter.Name), $"Parameter '{parameter.Name}'.");
    }
}
