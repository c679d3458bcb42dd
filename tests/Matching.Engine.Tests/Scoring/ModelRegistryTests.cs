using System.Text.Json.Nodes;
using Matching.Engine.Scoring;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Scoring;

public class ModelRegistryTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>The shipped model under another version name, as a retrain would write it.</summary>
    private string Copy(string version)
    {
        var folder = Path.Combine(_data.Path, "trained-" + version);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(ShippedModel.Folder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        var manifest = Path.Combine(folder, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        var key = json.AsObject().Select(p => p.Key).First(k => k.Equals("version", StringComparison.OrdinalIgnoreCase));
        json[key] = version;
        File.WriteAllText(manifest, json.ToJsonString());
        return folder;
    }

    [Fact]
    public void TheShippedModel_IsActiveFirst_ThenPromotionAndRollbackMoveTheActivePointer_WithHistory()
    {
        var registry = new ModelRegistry(_data.Database, TempDataDirectory.Analyzer, _data.Path);
        var first = registry.EnsureShipped(ShippedModel.Folder);
        Assert.NotNull(first);
        Assert.Equal(ModelRegistry.Active, first.Status);
        Assert.True(ModelBundle.Exists(registry.ActiveFolder()!));
        Assert.Null(registry.EnsureShipped(ShippedModel.Folder)); // only into an empty registry
        Assert.NotEmpty(first.Metrics); // the figures of the model card travel with the version

        var second = registry.Register(Copy("nightly-1"), "nightly");
        Assert.Equal(ModelRegistry.Candidate, second.Status);
        Assert.Throws<InvalidOperationException>(() => registry.Register(Copy("nightly-1")));
        registry.Promote("nightly-1");
        Assert.Equal("nightly-1", registry.ActiveVersion()!.Version);
        Assert.Equal(ModelRegistry.Retired, registry.Find(first.Version)!.Status);

        var back = registry.Rollback();
        Assert.Equal(first.Version, back!.Version);
        Assert.Equal(first.Version, registry.ActiveVersion()!.Version);
        Assert.Equal(["registered", "promoted", "registered", "promoted", "rolled back"], registry.History().Select(h => h.Action));
        Assert.Single(registry.List(), v => v.Status == ModelRegistry.Active);
    }

    [Fact]
    public void ABrokenFolder_IsNotRegistered_AndLeavesNothingBehind()
    {
        var registry = new ModelRegistry(_data.Database, TempDataDirectory.Analyzer, _data.Path);
        var broken = Copy("v3");
        File.WriteAllText(Path.Combine(broken, "ranker-zh.zip"), "not a zip");
        Assert.ThrowsAny<Exception>(() => registry.Register(broken));
        Assert.Empty(registry.List());
        Assert.False(Directory.Exists(Path.Combine(registry.Root, "v3")));
    }
}
