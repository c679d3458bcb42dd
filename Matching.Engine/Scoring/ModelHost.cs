using Matching.Engine.Text;
using Microsoft.Extensions.Logging;

namespace Matching.Engine.Scoring;

/// <summary>
/// Holds the active scoring model. Loaded once; a swap replaces one reference, so a request that read the
/// reference keeps a whole model to the end, and the next request gets the whole new one — never a mix.
/// Without any model the match lists fall back to the BM25 order.
/// </summary>
public sealed class ModelHost(MatchingAnalyzer analyzer, ILogger<ModelHost>? logger = null)
{
    private ModelBundle? _current;
    private readonly Lock _loading = new();

    /// <summary>The model serving now, or null when none is installed.</summary>
    public ModelBundle? Current => Volatile.Read(ref _current);

    /// <summary>Installs a loaded bundle; returns the one it replaced.</summary>
    public ModelBundle? Swap(ModelBundle bundle) => Interlocked.Exchange(ref _current, bundle);

    /// <summary>Loads and installs the registry's active version (after a promotion or a rollback); null when there is none or it cannot be used.</summary>
    public ModelBundle? LoadActive(ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.ActiveFolder() is { } folder ? LoadFirst([folder]) : null;
    }

    /// <summary>Loads the first folder in <paramref name="folders"/> that holds a complete model and installs it.</summary>
    public ModelBundle? LoadFirst(IEnumerable<string> folders)
    {
        lock (_loading)
        {
            foreach (var folder in folders)
            {
                if (!ModelBundle.Exists(folder)) continue;
                try
                {
                    var bundle = ModelBundle.Load(folder, analyzer);
                    Swap(bundle);
                    logger?.LogInformation("Scoring model {Version} loaded from {Folder}", bundle.Version, folder);
                    return bundle;
                }
                catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException)
                {
                    logger?.LogError(e, "The model in {Folder} cannot be used", folder);
                }
            }
            logger?.LogWarning("No scoring model found in {Folders}; match lists use the BM25 order", string.Join(", ", folders));
            return null;
        }
    }
}
