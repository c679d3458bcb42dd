using System.Net;
using System.Net.Sockets;

namespace Matching.Tests.Shared;

/// <summary>Loopback ports for the servers a test starts.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on now (the OS's pick for a listener that is closed again).</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
