namespace Inference.Tests;

/// <summary>
/// Drop-in Hugging Face folders (no model.json): the seeded test models of <c>TestData/hf-models/</c> with the Hub
/// tokenizer files of <c>../shared/tokenizers/</c> linked beside them, the way an Optimum export is copied into models/.
/// </summary>
public sealed partial class ReferenceModelRoot
{
    /// <summary>Single-label classifier, roberta tokenizer.json.</summary>
    public const string HfClassifier = "hf-sentiment-roberta";

    /// <summary>Multi-label classifier (config.json problem_type), t5 spiece.model without tokenizer.json.</summary>
    public const string HfMultiLabel = "hf-topics-t5";

    /// <summary>NLI model (contradiction, neutral, entailment) with token_type_ids, bert tokenizer.json.</summary>
    public const string HfNli = "hf-nli-bert";

    /// <summary>Encoder (last_hidden_state), bert vocab.txt without tokenizer.json.</summary>
    public const string HfEncoder = "hf-encoder-bert";

    /// <summary>A drop-in folder whose version has model.onnx but no config.json: listed UNAVAILABLE.</summary>
    public const string HfWithoutConfig = "hf-no-config";

    public static string HuggingFaceModels => System.IO.Path.Combine(TestPaths.RepositoryRoot, "Inference.Tests", "TestData", "hf-models");

    private void AddHuggingFaceModels()
    {
        AddHuggingFaceModel(HfClassifier, "roberta", withTokenizerJson: true);
        AddHuggingFaceModel(HfMultiLabel, "t5", withTokenizerJson: false);
        AddHuggingFaceModel(HfNli, "bert", withTokenizerJson: true);
        AddHuggingFaceModel(HfEncoder, "bert", withTokenizerJson: false);

        var broken = Directory.CreateDirectory(System.IO.Path.Combine(Path, HfWithoutConfig, "1")).FullName;
        File.CreateSymbolicLink(System.IO.Path.Combine(broken, "model.onnx"), System.IO.Path.Combine(HuggingFaceModels, HfClassifier, "1", "model.onnx"));
    }

    private void AddHuggingFaceModel(string name, string tokenizerFamily, bool withTokenizerJson)
    {
        var version = System.IO.Path.Combine(Path, name, "1");
        SharedTokenizers.LinkInto(version, tokenizerFamily, withTokenizerJson, writeConfig: false);
        foreach (var file in new[] { "model.onnx", "config.json" })
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(version, file), System.IO.Path.Combine(HuggingFaceModels, name, "1", file));
        }
    }
}
