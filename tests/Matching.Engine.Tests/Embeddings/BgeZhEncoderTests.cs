using System.Security.Cryptography;
using Matching.Engine.Embeddings;
using System.Numerics.Tensors;

namespace Matching.Engine.Tests.Embeddings;

/// <summary>
/// The Chinese encoder as the build installs it: the pinned model next to the binaries, its tokens, unit vectors that
/// do not depend on the batch, and the semantic link 校企双进 needs (an enterprise's words to a university's).
/// </summary>
public sealed class BgeZhEncoderTests : IDisposable
{
    private readonly BgeZhEncoder _encoder;

    public BgeZhEncoderTests()
    {
        _encoder = BgeZhEncoder.TryOpen(out var missing) ?? throw new InvalidOperationException(missing);
    }

    public void Dispose() => _encoder.Dispose();

    [Fact]
    public void TheBuild_PutsThePinnedModelNextToTheBinaries()
    {
        using var model = File.OpenRead(Path.Combine(BgeZhEncoder.DefaultFolder, BgeZhEncoder.ModelFile));
        Assert.Equal(24_010_842, model.Length);
        Assert.Equal("15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc", Convert.ToHexStringLower(SHA256.HashData(model)));
        Assert.Equal(21_128, File.ReadLines(Path.Combine(BgeZhEncoder.DefaultFolder, BgeZhEncoder.VocabularyFile)).Count());
    }

    /// <summary>
    /// Golden values from an independent implementation: onnxruntime-node 1.30.0 with its own WordPiece tokeniser that
    /// follows the model's tokenizer.json (scripts/bge-zh-golden.js):
    /// <c>cd /tmp/golden &amp;&amp; npm install --save-exact onnxruntime-node@1.30.0 &amp;&amp; node /work/main/scripts/bge-zh-golden.js --model-dir=MODEL_DIR TEXT…</c>
    /// (a document as it is; a query with BGE's instruction before it, as <see cref="BgeZhEncoder.EncodeQueries"/> encodes it).
    /// </summary>
    [Theory]
    [InlineData(false, "无色聚酰亚胺薄膜的耐黄变与耐弯折",
        new[] { 101, 3187, 5682, 5471, 6995, 762, 5542, 5946, 5606, 4638, 5447, 7942, 1359, 680, 5447, 2482, 2835, 102 },
        new[] { 0.023567f, 0.087896f, 0.017526f, 0.007418f, 0.044565f, -0.048517f, -0.064107f, 0.005068f, 0.006995f, -0.074992f, 0.038159f, 0.021988f })]
    [InlineData(true, "盖板用久发黄、折痕明显",
        new[] { 101, 711, 6821, 702, 1368, 2094, 4495, 2768, 6134, 4850, 809, 4500, 754, 3466, 5164, 4685, 1068, 3152, 4995, 8038, 4667, 3352, 4500, 719, 1355, 7942, 510, 2835, 4575, 3209, 3227, 102 },
        new[] { -0.010846f, 0.003185f, 0.019466f, -0.025033f, -0.038360f, -0.038042f, -0.055353f, 0.043934f, -0.005936f, -0.030994f, 0.051337f, 0.012924f })]
    public void Vectors_EqualAnIndependentImplementations_ToFourDecimals(bool query, string text, int[] tokens, float[] golden)
    {
        Assert.Equal(tokens, _encoder.Tokens(query ? BgeZhEncoder.QueryInstruction + text : text));
        var v = query ? _encoder.EncodeQueries([text])[0] : _encoder.Encode([text])[0];
        int[] at = [0, 1, 2, 3, 4, 5, 6, 7, 100, 200, 300, 511];
        for (var i = 0; i < at.Length; i++) Assert.Equal(golden[i], v[at[i]], 1e-4f);
    }

    [Fact]
    public void EachChineseCharacter_IsAToken_BetweenClsAndSep_AndLongTextsAreCut()
    {
        // bert-base-chinese's vocabulary, which BGE keeps: [CLS] 101, [SEP] 102.
        var tokens = _encoder.Tokens("盖板发黄");
        Assert.Equal(6, tokens.Count);
        Assert.Equal(101, tokens[0]);
        Assert.Equal(102, tokens[^1]);
        Assert.Equal(4, tokens.Skip(1).Take(4).Distinct().Count());
        Assert.DoesNotContain(100, tokens); // no [UNK]
        Assert.Equal(_encoder.MaxTokens, _encoder.Tokens(new string('膜', 2000)).Count);
    }

    [Fact]
    public void Vectors_AreUnitLength_AndTheSameInABatchAsAlone()
    {
        string[] texts = ["柔性显示盖板用无色透明聚酰亚胺薄膜", "猪精液长效保存稀释液", "轨道车辆转向架疲劳裂纹的在线检测", ""];
        var batch = _encoder.Encode(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(BgeZhEncoder.Dimensions, batch[i].Length);
            Assert.Equal(1, TensorPrimitives.Norm(batch[i]), 3);
            var alone = _encoder.Encode([texts[i]])[0];
            Assert.True(TensorPrimitives.CosineSimilarity(alone, batch[i]) > 0.9999f, $"text {i} differs alone and in a batch: cosine {TensorPrimitives.CosineSimilarity(alone, batch[i])}");
        }
    }

    [Fact]
    public void AnEnterprisesWords_FindTheResultThatSaysTheSameInOtherWords()
    {
        // The issue's own pair: no word in common, one meaning.
        var need = _encoder.EncodeQueries(["盖板用久发黄、折痕明显"])[0];
        var results = _encoder.Encode(
        [
            "无色聚酰亚胺薄膜的耐黄变与耐弯折",
            "猪精液17℃长效保存稀释液及配套质量评价方法",
            "轨道车辆转向架疲劳裂纹的在线检测",
            "基于KASP标记的杂交水稻种子纯度快速鉴定",
        ]);
        var scores = results.Select(r => TensorPrimitives.Dot(need, r)).ToList();
        Assert.Equal(0, scores.IndexOf(scores.Max()));
    }

    [Fact]
    public void AFolderWithoutTheModel_SaysWhatIsMissing_InsteadOfFailing()
    {
        var empty = Directory.CreateTempSubdirectory("no-bge-").FullName;
        try
        {
            Assert.Null(BgeZhEncoder.TryOpen(out var missing, empty));
            Assert.Contains(BgeZhEncoder.ModelFile, missing);
            Assert.Contains("npm", missing);
        }
        finally { Directory.Delete(empty, recursive: true); }
    }
}
