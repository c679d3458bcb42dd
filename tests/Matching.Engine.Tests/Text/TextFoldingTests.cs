using Matching.Engine.Text;

namespace Matching.Engine.Tests.Text;

public class TextFoldingTests
{
    [Theory]
    [InlineData("臺灣新型顯示", "台湾新型显示")]
    [InlineData("ＯＬＥＤ驅動晶片", "OLED驱动晶片")]
    [InlineData("四川大學　華西醫院", "四川大学 华西医院")]
    [InlineData("already simple 简体", "already simple 简体")]
    public void Fold_MapsTraditionalAndFullWidth_ToSimplifiedHalfWidth(string input, string expected) =>
        Assert.Equal(expected, TextFolding.Fold(input));

    [Fact]
    public void Fold_KeepsEveryOffset_SoHighlightsLandOnTheStoredText()
    {
        const string text = "臺灣ＯＬＥＤ面板，𠀀罕用字與emoji😀";
        Assert.Equal(text.Length, TextFolding.Fold(text).Length);
    }

    [Fact]
    public void OrganisationKey_IsTheSame_ForSpellingsOfOneName() =>
        Assert.Equal(OrganisationNames.Key("四川大学"), OrganisationNames.Key(" 四川大學 "));
}
