using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference.Api.Grpc.Protocol;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;

namespace Inference.Api.OpenInference;

/// <summary>
/// Triton's model configuration of a served model version, derived from what the version knows (its inputs and
/// outputs, batching plan, version policy and execution provider): the message gRPC <c>ModelConfig</c> answers and,
/// rendered as Triton renders it, the JSON of <c>GET /v2/models/{name}/config</c>.
/// </summary>
internal static class ModelConfigDescription
{
    public const string Backend = "onnxruntime";

    // Triton's JSON prints every primitive field under its proto name (ModelConfigToJson in Triton's core).
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));

    public static ModelConfig For(ModelVersion model)
    {
        // As in Triton, a model the server batches has max_batch_size > 0 and dims without the batch dimension.
        var batched = model.Batching.Enabled && model.Tensors.CanBatch;
        var config = new ModelConfig
        {
            Name = model.Name,
            Platform = ProtocolMetadata.Platform,
            Backend = Backend,
            VersionPolicy = VersionPolicy(model.Configuration),
            MaxBatchSize = batched ? model.Batching.MaxBatchSize : 0,
            DefaultModelFilename = ModelLoader.ModelFileName,
        };
        var imageFormat = ImageFormat(model);
        foreach (var input in model.Inputs.Where(tensor => tensor.ProtocolType is not null))
        {
            config.Input.Add(new ModelInput
            {
                Name = input.Name,
                DataType = DataTypeOf(input.ProtocolType!.Value),
                Format = input.Name == (model.Configuration.Input ?? model.Inputs[0].Name) ? imageFormat : ModelInput.Types.Format.None,
                Dims = { Dims(input.Shape, batched) },
            });
        }
        foreach (var output in model.Outputs.Where(tensor => tensor.ProtocolType is not null))
        {
            config.Output.Add(new ModelOutput { Name = output.Name, DataType = DataTypeOf(output.ProtocolType!.Value), Dims = { Dims(output.Shape, batched) } });
        }
        if (model.Batching.Enabled)
        {
            config.DynamicBatching = new ModelDynamicBatching
            {
                PreferredBatchSize = { model.Batching.MaxBatchSize },
                MaxQueueDelayMicroseconds = (ulong)(model.Batching.MaxQueueDelay.Ticks / TimeSpan.TicksPerMicrosecond),
            };
        }
        config.InstanceGroup.Add(new ModelInstanceGroup
        {
            Name = $"{model.Name}_0",
            Count = 1,
            Kind = model.Provider.Actual == ExecutionProviders.Cpu ? ModelInstanceGroup.Types.Kind.Cpu : ModelInstanceGroup.Types.Kind.Gpu,
        });
        return config;
    }

    /// <summary>
    /// Triton's JSON rendering: proto field names, every primitive field, enums by name, and the int64 fields (which
    /// protobuf's JSON writes as strings) as numbers.
    /// </summary>
    public static string ToJson(ModelConfig config)
    {
        var json = JsonNode.Parse(Formatter.Format(config))!.AsObject();
        foreach (var tensor in new[] { "input", "output" }.SelectMany(name => json[name]!.AsArray()))
        {
            NumbersFromStrings(tensor!.AsObject(), "dims");
        }
        if (json["version_policy"]?["specific"] is JsonObject specific)
        {
            NumbersFromStrings(specific, "versions");
        }
        if (json["dynamic_batching"] is JsonObject batching && batching["max_queue_delay_microseconds"] is JsonValue delay)
        {
            batching["max_queue_delay_microseconds"] = ulong.Parse(delay.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return json.ToJsonString();
    }

    private static void NumbersFromStrings(JsonObject owner, string property)
    {
        if (owner[property] is JsonArray values)
        {
            owner[property] = new JsonArray([.. values.Select(value => (JsonNode)long.Parse(value!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }

    private static IEnumerable<long> Dims(long[] shape, bool batched) => batched ? shape.Skip(1) : shape;

    private static ModelVersionPolicy VersionPolicy(ModelConfiguration configuration) => configuration.VersionPolicy.ToLowerInvariant() switch
    {
        "all" => new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() },
        "specific" => new ModelVersionPolicy { Specific = new ModelVersionPolicy.Types.Specific { Versions = { (configuration.Versions ?? []).Select(v => (long)v) } } },
        _ => new ModelVersionPolicy { Latest = new ModelVersionPolicy.Types.Latest { NumVersions = (uint)Math.Max(1, configuration.LatestCount) } },
    };

    /// <summary>The layout of an image model's pixel input; other inputs have none.</summary>
    private static ModelInput.Types.Format ImageFormat(ModelVersion model) => model.ImagePreprocessor is null
        ? ModelInput.Types.Format.None
        : string.Equals(model.Configuration.Image?.Layout, "nhwc", StringComparison.OrdinalIgnoreCase)
            ? ModelInput.Types.Format.Nhwc
            : ModelInput.Types.Format.Nchw;

    private static DataType DataTypeOf(TensorDataType type) => type switch
    {
        TensorDataType.BOOL => DataType.TypeBool,
        TensorDataType.UINT8 => DataType.TypeUint8,
        TensorDataType.UINT16 => DataType.TypeUint16,
        TensorDataType.UINT32 => DataType.TypeUint32,
        TensorDataType.UINT64 => DataType.TypeUint64,
        TensorDataType.INT8 => DataType.TypeInt8,
        TensorDataType.INT16 => DataType.TypeInt16,
        TensorDataType.INT32 => DataType.TypeInt32,
        TensorDataType.INT64 => DataType.TypeInt64,
        TensorDataType.FP16 => DataType.TypeFp16,
        TensorDataType.FP32 => DataType.TypeFp32,
        TensorDataType.FP64 => DataType.TypeFp64,
        TensorDataType.BYTES => DataType.TypeString,
        TensorDataType.BF16 => DataType.TypeBf16,
        _ => DataType.TypeInvalid,
    };
}
