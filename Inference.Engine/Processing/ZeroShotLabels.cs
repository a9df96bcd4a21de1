namespace Inference.Engine.Processing;

/// <summary>
/// The entailment and contradiction classes of an NLI model, found by name in its labels (as Hugging Face's zero-shot
/// pipeline finds them: a label starting with "entail" and one starting with "contradict", in any case).
/// </summary>
public sealed record ZeroShotLabels(int Entailment, int Contradiction)
{
    public static ZeroShotLabels? Find(IReadOnlyList<string> labels)
    {
        int IndexOf(string prefix)
        {
            for (var i = 0; i < labels.Count; i++)
            {
                if (labels[i].StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
            return -1;
        }
        var (entailment, contradiction) = (IndexOf("entail"), IndexOf("contradict"));
        return entailment >= 0 && contradiction >= 0 ? new ZeroShotLabels(entailment, contradiction) : null;
    }
}
