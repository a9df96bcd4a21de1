namespace Inference.Api.Data;

/// <summary>Writes one batch of the prediction log, the fastest way the database offers.</summary>
public interface IPredictionLogInserter
{
    /// <summary>Inserts every record of <paramref name="batch"/>, or none.</summary>
    Task InsertAsync(InferenceDbContext db, IReadOnlyList<PredictionRecord> batch, CancellationToken cancellationToken);

    /// <summary>Whether the database refused the data itself, so that retrying the same batch cannot succeed.</summary>
    bool IsRefusal(Exception exception);
}
