using Dapper;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>Stored data-protection key documents (XML text by name); the web app's key ring reads and adds them.</summary>
public sealed class ProtectionKeys(MatchingDatabase database)
{
    public IReadOnlyList<string> All()
    {
        using var c = database.Open();
        return c.Query<string>("SELECT xml FROM protection_keys ORDER BY created_at, name").ToList();
    }

    public void Add(string name, string xml)
    {
        using var c = database.Open();
        // A name is a fresh key id; a second node that wrote the same one concurrently cannot happen, but a retry can.
        c.Execute("INSERT INTO protection_keys (name, xml, created_at) SELECT @name, @xml, @at WHERE NOT EXISTS (SELECT 1 FROM protection_keys WHERE name = @name)",
            new { name, xml, at = Rows.Now() });
    }
}
