using System.Globalization;

namespace Inference.Dashboard.Components.Shared;

/// <summary>How numbers read on every page, whatever culture the server runs in.</summary>
public static class Formats
{
    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024 / 1024:0.##} GiB"),
    };

    public static string Milliseconds(double? milliseconds) =>
        milliseconds is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:0.##} ms") : "—";

    public static string Percent(double? share) =>
        share is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value * 100:0.#}%") : "—";

    public static string Time(DateTimeOffset? time) =>
        time is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";
}
