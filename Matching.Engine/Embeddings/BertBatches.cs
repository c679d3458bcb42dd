using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Matching.Engine.Embeddings;

/// <summary>
/// Runs a BERT-style ONNX encoder (inputs input_ids, attention_mask, token_type_ids; output last_hidden_state) over
/// tokenised texts: sorted by length so a batch pads only to its own longest text, and each text's hidden states
/// handed to the encoder's pooling (mean for MiniLM, [CLS] for BGE).
/// </summary>
internal static class BertBatches
{
    /// <param name="session">The encoder's ONNX session (Run is thread safe).</param>
    /// <param name="texts">How many texts.</param>
    /// <param name="length">Text i's token count, [CLS] and [SEP] included.</param>
    /// <param name="token">Text i's token j: its id and segment.</param>
    /// <param name="batchSize">Texts per call.</param>
    /// <param name="pool">Text i, the batch's hidden states and the text's row in them; returns the text's vector.</param>
    public static float[][] Run(InferenceSession session, int texts, Func<int, int> length, Func<int, int, (long Id, long Segment)> token, int batchSize,
        Func<int, Tensor<float>, int, float[]> pool)
    {
        var vectors = new float[texts][];
        var order = Enumerable.Range(0, texts).OrderBy(length).ToArray();
        foreach (var batch in order.Chunk(Math.Max(1, batchSize)))
        {
            var longest = batch.Max(length);
            var ids = new DenseTensor<long>([batch.Length, longest]);
            var mask = new DenseTensor<long>([batch.Length, longest]);
            var types = new DenseTensor<long>([batch.Length, longest]);
            for (var b = 0; b < batch.Length; b++)
                for (var j = 0; j < length(batch[b]); j++)
                {
                    var (id, segment) = token(batch[b], j);
                    ids[b, j] = id;
                    mask[b, j] = 1;
                    types[b, j] = segment;
                }
            using var results = session.Run(
            [
                NamedOnnxValue.CreateFromTensor("input_ids", ids),
                NamedOnnxValue.CreateFromTensor("attention_mask", mask),
                NamedOnnxValue.CreateFromTensor("token_type_ids", types),
            ]);
            var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
            for (var b = 0; b < batch.Length; b++) vectors[batch[b]] = pool(batch[b], hidden, b);
        }
        return vectors;
    }
}
