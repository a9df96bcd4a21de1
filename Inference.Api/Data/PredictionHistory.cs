using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Data;

/// <summary>Which predictions to list; every field is optional. <see cref="Status"/> is <c>success</c>, <c>error</c> or an error kind.</summary>
public sealed record PredictionFilter(
    string? Model, int? Version, string? Label, DateTimeOffset? From, DateTimeOffset? To, string? Status, string? KeyId, bool? Shadow);

/// <summary>Where a page starts: the newest prediction older than this (created at, id) pair.</summary>
public readonly record struct PredictionCursor(DateTimeOffset CreatedAt, long Id);

/// <summary>
/// The prediction log, newest first, paged by keyset on (<c>CreatedAt</c>, <c>Id</c>) so that a deep page costs what the
/// first one does. Every query runs under a deadline: a page under <see cref="DatabaseDeadline.Default"/>, an export
/// under <see cref="ExportDeadline"/>.
/// </summary>
public sealed class PredictionHistory(InferenceDbContext db)
{
    /// <summary>The longest an export may stream; a bigger one is asked for with a narrower filter.</summary>
    public static readonly TimeSpan ExportDeadline = TimeSpan.FromMinutes(2);

    public const string ErrorStatus = "error";

    public Task<List<PredictionRecord>> PageAsync(
        PredictionFilter filter, PredictionCursor? before, int size, CancellationToken cancellationToken) =>
        DatabaseDeadline.RunAsync(token => Query(filter, before).Take(size).ToListAsync(token), cancellationToken);

    /// <summary>Every matching prediction from one cursor, newest first; stops with a <see cref="TimeoutException"/> at the deadline.</summary>
    public async IAsyncEnumerable<PredictionRecord> StreamAsync(
        PredictionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ExportDeadline);
        db.Database.SetCommandTimeout(ExportDeadline);
        await using var rows = Query(filter, before: null).AsAsyncEnumerable().GetAsyncEnumerator(deadline.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await rows.MoveNextAsync();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The export ran past its {ExportDeadline.TotalMinutes:0} minute deadline; narrow the filter.");
            }

            if (!more)
            {
                yield break;
            }
            yield return rows.Current;
        }
    }

    private IQueryable<PredictionRecord> Query(PredictionFilter filter, PredictionCursor? before)
    {
        var query = db.Predictions.AsNoTracking();
        if (filter.Model is { Length: > 0 } model)
        {
            query = query.Where(record => record.Model == model);
        }
        if (filter.Version is { } version)
        {
            query = query.Where(record => record.ModelVersion == version);
        }
        if (filter.Label is { Length: > 0 } label)
        {
            query = query.Where(record => record.Label == label);
        }
        if (filter.From is { } from)
        {
            query = query.Where(record => record.CreatedAt >= from.ToUniversalTime());
        }
        if (filter.To is { } to)
        {
            query = query.Where(record => record.CreatedAt < to.ToUniversalTime());
        }
        query = filter.Status switch
        {
            null or "" => query,
            ErrorStatus => query.Where(record => record.Outcome != PredictionOutcomes.Success),
            var outcome => query.Where(record => record.Outcome == outcome),
        };
        if (filter.KeyId is { Length: > 0 } keyId)
        {
            query = query.Where(record => record.KeyId == keyId);
        }
        if (filter.Shadow is { } shadow)
        {
            query = query.Where(record => record.Shadow == shadow);
        }
        if (before is { } cursor)
        {
            var createdAt = cursor.CreatedAt.ToUniversalTime();
            query = query.Where(record => record.CreatedAt < createdAt || (record.CreatedAt == createdAt && record.Id < cursor.Id));
        }

        return query.OrderByDescending(record => record.CreatedAt).ThenByDescending(record => record.Id);
    }
}
