using System.Net;
using System.Net.Sockets;
using Bert.Runtime.Distributed;

namespace Bert.Runtime.Tests.Distributed;

/// <summary>Several ranks in this process meet over loopback, as separate processes would (no NCCL needed).</summary>
public class TcpRendezvousTests
{
    static readonly TimeSpan Generous = TimeSpan.FromSeconds(20), Short = TimeSpan.FromMilliseconds(600);

    /// <summary>A port nothing listens on right now (the OS's pick of a free one).</summary>
    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    static ProcessGroup Rank(int rank, int world, int port) => new(rank, world, 0, "127.0.0.1", port);

    static Task<byte[]> Join(int rank, int world, int port, byte[] rootPayload, TimeSpan timeout) =>
        Task.Run(() => TcpRendezvous.ShareAsync(Rank(rank, world, port), () => rank == 0 ? rootPayload : throw new InvalidOperationException("only rank 0 creates the payload"), timeout));

    [Fact]
    public async Task Every_rank_receives_rank_0s_payload()
    {
        int port = FreePort();
        byte[] id = [.. Enumerable.Range(0, 128).Select(i => (byte)(i * 7 + 3))];
        // The other ranks start first: they must keep retrying until rank 0 listens.
        var others = Enumerable.Range(1, 3).Select(r => Join(r, 4, port, id, Generous)).ToArray();
        await Task.Delay(300);
        var root = Join(0, 4, port, id, Generous);

        var received = await Task.WhenAll([root, .. others]);
        Assert.All(received, payload => Assert.Equal(id, payload));
    }

    [Fact]
    public async Task A_world_of_one_uses_no_network()
    {
        // Port 1 is privileged: listening there would fail, so success shows nothing listened.
        var payload = await TcpRendezvous.ShareAsync(new ProcessGroup(0, 1, 0, "127.0.0.1", 1), () => [1, 2, 3], Short);
        Assert.Equal([1, 2, 3], payload);
    }

    [Fact]
    public async Task A_stranger_on_the_port_does_not_disturb_the_rendezvous()
    {
        int port = FreePort();
        byte[] id = [9, 8, 7];
        var root = Join(0, 2, port, id, Generous);
        await ConnectWhenListening(port, async stream => await stream.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray()));
        var other = Join(1, 2, port, id, Generous);
        Assert.Equal(id, await other);
        Assert.Equal(id, await root);
    }

    [Fact]
    public async Task Rank_0_times_out_naming_the_ranks_that_never_came()
    {
        int port = FreePort();
        var root = Join(0, 3, port, [1], TimeSpan.FromSeconds(3));
        var other = Join(2, 3, port, [1], TimeSpan.FromSeconds(3));
        Assert.Equal([1], await other);
        var error = await Assert.ThrowsAsync<UserError>(() => root);
        Assert.Contains("rank(s) 1 of 3 never connected", error.Message);
        Assert.Contains("MASTER_ADDR", error.Message);
    }

    [Fact]
    public async Task A_rank_times_out_when_rank_0_never_listens()
    {
        int port = FreePort();
        var error = await Assert.ThrowsAsync<UserError>(() => Join(1, 2, port, [], Short));
        Assert.Contains($"could not reach rank 0 at 127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task Ranks_started_with_different_world_sizes_are_refused_on_both_sides()
    {
        int port = FreePort();
        var root = Join(0, 2, port, [1], Generous);
        var other = Task.Run(() => TcpRendezvous.ShareAsync(Rank(1, 3, port), () => [], Generous));
        Assert.Contains("world size 3, but rank 0 with 2", (await Assert.ThrowsAsync<UserError>(() => other)).Message);
        Assert.Contains("same WORLD_SIZE", (await Assert.ThrowsAsync<UserError>(() => root)).Message);
    }

    [Fact]
    public async Task Two_processes_claiming_one_rank_are_refused()
    {
        int port = FreePort();
        var root = Join(0, 3, port, [1], Generous);
        var first = Join(1, 3, port, [1], Generous);
        Assert.Equal([1], await first);
        var second = Join(1, 3, port, [1], Generous);
        Assert.Contains("two processes say they are rank 1", (await Assert.ThrowsAsync<UserError>(() => second)).Message);
        await Assert.ThrowsAsync<UserError>(() => root);
    }

    [Fact]
    public void A_port_in_use_is_a_user_error_naming_master_port()
    {
        // A listener bound to the port without address reuse on every interface keeps rank 0 from binding it.
        using var busy = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        busy.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        busy.Listen();
        int port = ((IPEndPoint)busy.LocalEndPoint!).Port;
        var error = Assert.Throws<UserError>(() => TcpRendezvous.ShareAsync(Rank(0, 2, port), () => [1], Short).GetAwaiter().GetResult());
        Assert.Contains("MASTER_PORT", error.Message);
    }

    static async Task ConnectWhenListening(int port, Func<NetworkStream, Task> talk)
    {
        for (var deadline = DateTime.UtcNow + Generous; ; await Task.Delay(50))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                await talk(client.GetStream());
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }
}
