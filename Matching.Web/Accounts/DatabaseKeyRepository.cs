using System.Xml.Linq;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Matching.Web.Accounts;

/// <summary>Keeps the data-protection key ring in the records database (<see cref="ProtectionKeys"/>).</summary>
public sealed class DatabaseKeyRepository(ProtectionKeys keys) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => keys.All().Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        keys.Add(friendlyName, element.ToString(SaveOptions.DisableFormatting));
}
