using Google.Protobuf;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>One piece of a SentencePiece model, with its log-probability score and kind.</summary>
public sealed record SentencePiece(string Piece, float Score, SentencePieceKind Kind);

/// <summary>SentencePiece's piece types (sentencepiece_model.proto).</summary>
public enum SentencePieceKind
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>
/// The fields of a SentencePiece <c>.model</c> file (a serialized <c>ModelProto</c>) that a Hugging Face tokenizer
/// definition needs: pieces, algorithm, unknown id, byte fallback and the normalizer's precompiled character map.
/// </summary>
public sealed record SentencePieceModel(
    IReadOnlyList<SentencePiece> Pieces,
    int ModelType,
    int UnknownId,
    bool ByteFallback,
    byte[] PrecompiledCharsMap,
    bool AddDummyPrefix)
{
    public const int Unigram = 1;
    public const int Bpe = 2;

    public static SentencePieceModel Read(string path)
    {
        var pieces = new List<SentencePiece>();
        var (modelType, unknownId, byteFallback) = (Unigram, 0, false);
        var (charsMap, addDummyPrefix) = (Array.Empty<byte>(), true);
        try
        {
            var input = new CodedInputStream(File.ReadAllBytes(path));
            for (uint tag; (tag = input.ReadTag()) != 0;)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        pieces.Add(ReadPiece(input.ReadBytes()));
                        break;
                    case 2:
                        (modelType, unknownId, byteFallback) = ReadTrainerSpec(input.ReadBytes());
                        break;
                    case 3:
                        (charsMap, addDummyPrefix) = ReadNormalizerSpec(input.ReadBytes());
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new ArgumentException($"{Path.GetFileName(path)} is not a SentencePiece model: {exception.Message}");
        }
        if (pieces.Count == 0)
        {
            throw new ArgumentException($"{Path.GetFileName(path)} is not a SentencePiece model: it has no pieces.");
        }
        return new SentencePieceModel(pieces, modelType, unknownId, byteFallback, charsMap, addDummyPrefix);
    }

    private static SentencePiece ReadPiece(ByteString bytes)
    {
        var (piece, score, kind) = ("", 0f, SentencePieceKind.Normal);
        var input = bytes.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: piece = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: kind = (SentencePieceKind)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new SentencePiece(piece, score, kind);
    }

    private static (int ModelType, int UnknownId, bool ByteFallback) ReadTrainerSpec(ByteString bytes)
    {
        var (modelType, unknownId, byteFallback) = (Unigram, 0, false);
        var input = bytes.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 3: modelType = input.ReadEnum(); break;
                case 35: byteFallback = input.ReadBool(); break;
                case 40: unknownId = input.ReadInt32(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (modelType, unknownId, byteFallback);
    }

    private static (byte[] CharsMap, bool AddDummyPrefix) ReadNormalizerSpec(ByteString bytes)
    {
        var (charsMap, addDummyPrefix) = (Array.Empty<byte>(), true);
        var input = bytes.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 2: charsMap = input.ReadBytes().ToByteArray(); break;
                case 3: addDummyPrefix = input.ReadBool(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (charsMap, addDummyPrefix);
    }
}
