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
