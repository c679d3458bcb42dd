using System.Text.Json;

namespace Matching.Tests.Shared;

/// <summary>The scoring model shipped in models/ (copied next to the binaries): its folder and version, read from its manifest.</summary>
public static class ShippedModel
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "models");

    public static string Version { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "model.json"))).RootElement.GetProperty("version").GetString()!;
}
