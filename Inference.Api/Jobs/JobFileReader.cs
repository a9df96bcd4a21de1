using System.Text;
using Inference.Engine.Errors;

namespace Inference.Api.Jobs;

/// <summary>
/// Reads the items of an uploaded text or CSV file: one item per non-blank line, or, when a column is named,
/// that column of a CSV file with a header row (RFC 4180: quoted fields may hold commas, quotes and line breaks).
/// </summary>
public static class JobFileReader
{
    /// <summary>The values and, for error messages, where each one was found ("line 3", "row 3").</summary>
    public static async Task<(List<string> Values, List<string> Positions)> ReadAsync(
        TextReader reader, string? column, int maxItems, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        var positions = new List<string>();
        if (string.IsNullOrWhiteSpace(column))
        {
            var lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                Add(values, positions, line, $"Line {lineNumber}", maxItems);
            }
            return (values, positions);
        }

        var csv = new CsvRecordReader(reader);
        var header = await csv.ReadAsync(cancellationToken)
            ?? throw InferenceException.InvalidInput("The file is empty; a CSV file needs a header row naming its columns.");
        var columnIndex = Array.FindIndex(header, name => string.Equals(name.Trim(), column.Trim(), StringComparison.OrdinalIgnoreCase));
        if (columnIndex < 0)
        {
            throw InferenceException.InvalidInput($"The CSV header has no column '{column}'; it has: {string.Join(", ", header.Select(name => $"'{name}'"))}.");
        }

        var row = 1;
        while (await csv.ReadAsync(cancellationToken) is { } record)
        {
            row++;
            if (record is [""])
            {
                continue; // a blank line
            }
            Add(values, positions, columnIndex < record.Length ? record[columnIndex] : string.Empty, $"Row {row} ('{column}')", maxItems);
        }
        return (values, positions);
    }

    private static void Add(List<string> values, List<string> positions, string value, string position, int maxItems)
    {
        if (values.Count == maxItems)
        {
            throw InferenceException.InvalidInput($"The file has more than {maxItems:N0} items; at most {maxItems:N0} are accepted per job. Split it.");
        }
        values.Add(value);
        positions.Add(position);
    }

    /// <summary>Reads CSV records one at a time without holding the whole file as one string.</summary>
    private sealed class CsvRecordReader(TextReader reader)
    {
        private readonly StringBuilder _field = new();

        public async Task<string[]?> ReadAsync(CancellationToken cancellationToken)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            var fields = new List<string>();
            _field.Clear();
            var quoted = false;
            var position = 0;
            while (true)
            {
                if (position == line.Length)
                {
                    if (!quoted)
                    {
                        break;
                    }
                    // A quoted field goes on past the line break.
                    line = await reader.ReadLineAsync(cancellationToken)
                        ?? throw InferenceException.InvalidInput("The CSV file ends inside a quoted field.");
                    _field.Append('\n');
                    position = 0;
                    continue;
                }

                var character = line[position++];
                if (quoted)
                {
                    if (character != '"')
                    {
                        _field.Append(character);
                    }
                    else if (position < line.Length && line[position] == '"')
                    {
                        _field.Append('"');
                        position++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else if (character == '"')
                {
                    quoted = true;
                }
                else if (character == ',')
                {
                    fields.Add(_field.ToString());
                    _field.Clear();
                }
                else
                {
                    _field.Append(character);
                }
            }
            fields.Add(_field.ToString());
            return [.. fields];
        }
    }
}
