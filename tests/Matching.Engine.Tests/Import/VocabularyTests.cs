using Matching.Engine.Records;

namespace Matching.Engine.Tests.Import;

public class VocabularyTests
{
    [Fact]
    public void EveryStageAndCooperationMode_HasAnEnglishName_ForEnglishSentences()
    {
        Assert.Equal("pilot", Vocabulary.English("中试"));
        Assert.Equal("co-development", Vocabulary.English("合作开发"));
        // No closed-vocabulary value is left in Chinese in an English sentence.
        Assert.All(Vocabulary.Maturities.Concat(Vocabulary.CooperationModes), term =>
            Assert.DoesNotContain(Vocabulary.English(term), c => c >= '\u3400' && c <= '\u9fff'));
        Assert.Equal("", Vocabulary.English(null));
    }
}
