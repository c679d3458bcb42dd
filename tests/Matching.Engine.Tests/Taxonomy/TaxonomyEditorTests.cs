using Matching.Engine.Taxonomy;

namespace Matching.Engine.Tests.Taxonomy;

public class TaxonomyEditorTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private (TaxonomyEditor Editor, IndustryTaxonomy Taxonomy, SynonymDictionary Synonyms) Live()
    {
        var taxonomy = TaxonomyFiles.LoadTaxonomy(_data.Path);
        var synonyms = TaxonomyFiles.LoadSynonyms(_data.Path);
        return (new TaxonomyEditor(_data.Path, taxonomy, synonyms), taxonomy, synonyms);
    }

    [Fact]
    public void BrokenJson_IsRefusedWithItsLine_AndTheFileAndTreeStay()
    {
        var (editor, taxonomy, _) = Live();
        var before = editor.IndustriesText();
        var broken = before.Replace("\"新型显示\", \"en\"", "\"新型显示\" \"en\"");
        Assert.NotEqual(before, broken);

        var problems = editor.SaveIndustries(broken);

        var problem = Assert.Single(problems);
        Assert.Equal(TaxonomyProblemKind.Syntax, problem.Kind);
        Assert.Equal(4, problem.Line);
        Assert.Equal(before, editor.IndustriesText());
        Assert.True(taxonomy.IsKnown("新型显示"));
    }

    [Fact]
    public void ADuplicateEcosystem_OrAnEmptyTree_IsRefused()
    {
        var (editor, _, _) = Live();
        var text = """
            {
              "systems": [
                { "name": "甲", "ecosystems": [ { "name": "乙", "zones": [] } ] },
                { "name": "丙", "ecosystems": [ { "name": "乙", "zones": ["某园区"] } ] }
              ]
            }
            """;
        var duplicate = Assert.Single(TaxonomyEditor.CheckIndustries(text, out var parsed));
        Assert.Null(parsed);
        Assert.Equal((4, TaxonomyProblemKind.Duplicate, "乙"), (duplicate.Line, duplicate.Kind, duplicate.Detail));
        Assert.Equal(TaxonomyProblemKind.Empty, Assert.Single(editor.SaveIndustries("""{ "systems": [] }""")).Kind);
        Assert.Equal(TaxonomyProblemKind.TooLarge, Assert.Single(editor.SaveIndustries(new string(' ', TaxonomyEditor.MaxBytes + 1))).Kind);
    }

    [Fact]
    public void AValidEdit_IsSaved_AndTheRunningInstancesUseIt()
    {
        var (editor, taxonomy, synonyms) = Live();
        Assert.DoesNotContain("钙钛矿", synonyms.Expansions("光伏电池"));
        var edited = editor.SynonymsText() + "\n光伏电池, 钙钛矿\n";

        Assert.Empty(editor.SaveSynonyms(edited));

        Assert.Contains("钙钛矿", synonyms.Expansions("光伏电池"));
        Assert.Equal(edited, TaxonomyFiles.ReadText(_data.Path, TaxonomyFiles.SynonymsFile));
        Assert.Empty(editor.SaveIndustries("""{ "systems": [ { "name": "新能源", "ecosystems": [ { "name": "光伏", "zones": ["某园区"] } ] } ] }"""));
        Assert.True(taxonomy.IsKnown("光伏"));
        Assert.False(taxonomy.IsKnown("新型显示"));
    }

    [Fact]
    public void ASynonymLineWithOneWord_IsRefusedWithItsLine()
    {
        var (editor, _, synonyms) = Live();
        var count = synonyms.Count;

        var problems = editor.SaveSynonyms("# 注释\n新型显示, OLED\n光伏电池\n");

        Assert.Equal((3, TaxonomyProblemKind.SingleMember), (Assert.Single(problems).Line, problems[0].Kind));
        Assert.Equal(count, synonyms.Count);
    }
}
