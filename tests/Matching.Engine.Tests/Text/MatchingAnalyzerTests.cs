using Matching.Engine.Text;

namespace Matching.Engine.Tests.Text;

/// <summary>Golden tokens on real sentences of the kind the product reads: Chinese with English terms inside.</summary>
public class MatchingAnalyzerTests
{
    private static readonly MatchingAnalyzer Analyzer = TempDataDirectory.Analyzer;

    [Theory]
    [InlineData("本成果面向柔性AMOLED显示面板，开发了低温多晶硅（LTPS）TFT背板工艺。",
        "本|成果|面向|柔性|amoled|显示|面板|开发|低温|多晶硅|ltps|tft|背|板|工艺")]
    [InlineData("基于CRISPR/Cas9的基因编辑技术可用于CAR-T细胞治疗。",
        "基于|crispr|ca|9|基因|编辑|技术|用于|car|t|细胞|治疗")]
    [InlineData("采用GPU加速的LLM推理服务，支持RAG检索增强。",
        "采用|gpu|加速|llm|推理|服务|支持|rag|检索|增强")]
    [InlineData("川菜复合调味料的HACCP体系与冷链物流追溯。",
        "川菜|复合|调味|料|haccp|体系|冷|链|物流|追溯")]
    [InlineData("The sensors were tested on running trains and reduced false alarms.",
        "sensor|were|test|run|train|reduc|fals|alarm")]
    public void Terms_MatchGoldenTokens_OnMixedChineseAndEnglish(string sentence, string expected) =>
        Assert.Equal(expected.Split('|'), Analyzer.Terms(sentence));

    [Fact]
    public void AnEmptyText_HasNoTerms_AndDoesNotThrow()
    {
        Assert.Empty(TempDataDirectory.Analyzer.Terms(""));
        Assert.Empty(TempDataDirectory.Analyzer.Terms("", "all"));
    }

    [Fact]
    public void Terms_AreTheSame_ForTraditionalAndSimplifiedText() =>
        Assert.Equal(Analyzer.Terms("新型显示产业需要驱动芯片"), Analyzer.Terms("新型顯示產業需要驅動芯片"));

    [Fact]
    public void Terms_AreTheSame_ForFullWidthAndHalfWidthLetters() =>
        Assert.Equal(Analyzer.Terms("采用GPU加速的LLM推理"), Analyzer.Terms("采用ＧＰＵ加速的ＬＬＭ推理"));

    [Fact]
    public void Terms_DropChineseFunctionWords()
    {
        var terms = Analyzer.Terms("企业的需求与高校的成果");
        Assert.DoesNotContain("的", terms);
        Assert.DoesNotContain("与", terms);
        Assert.Contains("需求", terms);
    }

    [Theory]
    [InlineData("AMOLED", true)]
    [InlineData("mRNA", true)]
    [InlineData("Micro", false)]
    [InlineData("based", false)]
    [InlineData("A", false)]
    public void IsAcronym_KeepsTechnicalNamesWhole(string word, bool expected) =>
        Assert.Equal(expected, AcronymKeywordFilter.IsAcronym(word, word.Length));
}
