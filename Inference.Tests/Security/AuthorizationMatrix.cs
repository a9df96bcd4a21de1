using System.Text.Json;

namespace Inference.Tests.Security;

/// <summary>The callers every operation is tried with, in the order of the table's columns.</summary>
public enum MatrixCaller
{
    /// <summary>No key at all.</summary>
    None,

    /// <summary>A well-formed key that was never issued.</summary>
    Bogus,

    /// <summary>An <c>infer</c> key that owns the job the job routes are called on.</summary>
    InferA,

    /// <summary>Another <c>infer</c> key: it must not see A's job.</summary>
    InferB,

    /// <summary>A key with the <c>admin</c> scope.</summary>
    Admin,
}

/// <summary>
/// The committed table of expected outcomes (<c>authorization-matrix.json</c>): per mode, per operation (<c>METHOD /path</c> as
/// the OpenAPI document names it, optionally with a query that makes a variant, or <c>grpc Method</c>), one cell per
/// <see cref="MatrixCaller"/>: an HTTP status, a gRPC status name, or alternatives joined by <c>|</c> where the outcome
/// depends on timing rather than on access (a job finishing before it is cancelled).
/// </summary>
public sealed class AuthorizationMatrix
{
    public const string KeysRequired = "keysRequired";
    public const string KeysOptional = "keysOptional";

    private readonly Dictionary<string, string[]> _rows;

    private AuthorizationMatrix(Dictionary<string, string[]> rows) => _rows = rows;

    public IReadOnlyCollection<string> Operations => _rows.Keys;

    public static string FilePath => Path.Combine(TestPaths.RepositoryRoot, "Inference.Tests", "Security", "authorization-matrix.json");

    public static AuthorizationMatrix Load(string mode)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var row in document.RootElement.GetProperty(mode).EnumerateObject())
        {
            var cells = row.Value.EnumerateArray().Select(cell => cell.ValueKind == JsonValueKind.Number ? cell.GetInt32().ToString() : cell.GetString()!).ToArray();
            Assert.True(cells.Length == Enum.GetValues<MatrixCaller>().Length, $"{mode} '{row.Name}' has {cells.Length} cells, not one per caller.");
            rows.Add(row.Name, cells);
        }
        return new AuthorizationMatrix(rows);
    }

    public string Expected(string operation, MatrixCaller caller) => _rows[operation][(int)caller];

    public static bool Matches(string expected, string actual) => expected.Split('|').Contains(actual, StringComparer.OrdinalIgnoreCase);

    /// <summary>The operation a row describes: its key without the query of a variant.</summary>
    public static string BaseOperation(string row) => row.Split('?')[0];
}
