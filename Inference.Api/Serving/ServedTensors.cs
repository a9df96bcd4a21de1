using Inference.Api.OpenInference;
using Inference.Engine.Tensors;

namespace Inference.Api.Serving;

/// <summary>The outputs of a raw tensor inference, in the order asked, with the request they answer.</summary>
public sealed record ServedTensors(string Model, int Version, TensorInferenceRequest Request, InferTensor[] Outputs);
