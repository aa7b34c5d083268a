using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bert.Runtime.Distributed;

/// <summary>
/// Hands a small payload created by rank 0 (NCCL's unique id) to every other rank over TCP before the ranks can talk
/// through NCCL. Rank 0 listens on MASTER_PORT (all interfaces) until each other rank has connected to
/// MASTER_ADDR:MASTER_PORT, said who it is, and received the payload; the others retry until rank 0 answers. Both
/// sides give up after the timeout with a <see cref="UserError"/> saying who was missing.
/// </summary>
/// <remarks>
/// Wire format, integers little-endian. Hello (rank → rank 0): the 8 ASCII bytes <c>BERTRDV1</c>, int32 rank, int32
/// world size. Answer: one status byte, int32 length, then the payload (status 0) or a UTF-8 error message (status 1).
/// </remarks>
public static class TcpRendezvous
{
    static readonly byte[] Magic = "BERTRDV1"u8.ToArray();
    const int HelloBytes = 16;
    const byte Accepted = 0, Refused = 1;
    const int MaxAnswerBytes = 1 << 20;

    /// <summary>How long a rank waits between attempts to reach rank 0.</summary>
    static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Rank 0 calls <paramref name="createOnRoot"/> and serves its result to the other ranks; every rank returns the
    /// same bytes. A world of one returns <paramref name="createOnRoot"/>'s result without touching the network.
    /// </summary>
    public static async Task<byte[]> ShareAsync(ProcessGroup group, Func<byte[]> createOnRoot, TimeSpan timeout, CancellationToken cancel = default)
    {
        if (group.WorldSize == 1) return createOnRoot();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        return group.IsRoot
            ? await ServeAsync(group, createOnRoot(), timeout, deadline.Token, cancel).ConfigureAwait(false)
            : await FetchAsync(group, timeout, deadline.Token, cancel).ConfigureAwait(false);
    }

    static async Task<byte[]> ServeAsync(ProcessGroup group, byte[] payload, TimeSpan timeout, CancellationToken deadline, CancellationToken cancel)
    {
        using var listener = Listen(group.MasterPort);
        var joined = new bool[group.WorldSize];
        joined[0] = true;
        for (int waiting = group.WorldSize - 1; waiting > 0;)
        {
            try
            {
                using var peer = await listener.AcceptSocketAsync(deadline).ConfigureAwait(false);
                await using var stream = new NetworkStream(peer, ownsSocket: false);
                var hello = await ReadHelloAsync(stream, deadline).ConfigureAwait(false);
                if (hello == null) continue;   // not one of our ranks (a port scan, a stray client): ignore it
                var (rank, worldSize) = hello.Value;
                string? problem =
                    worldSize != group.WorldSize ? $"rank {rank} was started with world size {worldSize}, but rank 0 with {group.WorldSize}: start every process with the same WORLD_SIZE"
                    : rank <= 0 || rank >= group.WorldSize ? $"a process says it is rank {rank}, outside 1..{group.WorldSize - 1}"
                    : joined[rank] ? $"two processes say they are rank {rank}: give each process its own RANK"
                    : null;
                if (problem != null)
                {
                    await WriteAnswerAsync(stream, Refused, Encoding.UTF8.GetBytes(problem), deadline).ConfigureAwait(false);
                    throw new UserError($"The process group at {group.MasterAddress}:{group.MasterPort} is misconfigured: {problem}.");
                }
                await WriteAnswerAsync(stream, Accepted, payload, deadline).ConfigureAwait(false);
                joined[rank] = true;
                waiting--;
                await AwaitHangUpAsync(stream, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                if (waiting == 0) break;   // the deadline passed while the last rank was hanging up: everyone has the payload
                var missing = Enumerable.Range(0, group.WorldSize).Where(r => !joined[r]);
                throw new UserError(
                    $"Rank 0 waited {timeout.TotalSeconds:0.#} s on port {group.MasterPort}, but rank(s) {string.Join(", ", missing)} of {group.WorldSize} never connected. " +
                    "Start all processes together, with MASTER_ADDR set to an address of rank 0's machine that they can reach, and the same MASTER_PORT.");
            }
            catch (IOException)
            {
                // A peer that hung up before its answer retries with a fresh connection; its rank is still missing.
            }
        }
        return payload;
    }

    /// <summary>A listener on every interface: dual-stack IPv6 where the machine has it, so "localhost" works either way.</summary>
    static TcpListener Listen(int port)
    {
        var listener = Socket.OSSupportsIPv6 ? new TcpListener(IPAddress.IPv6Any, port) : new TcpListener(IPAddress.Any, port);
        try
        {
            if (Socket.OSSupportsIPv6) listener.Server.DualMode = true;
            listener.Start();
            return listener;
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new UserError(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"Rank 0 cannot listen on port {port}: another program (or an earlier run still going) uses it. Choose another MASTER_PORT."
                : $"Rank 0 cannot listen on port {port}: {e.Message}. Choose another MASTER_PORT.", e);
        }
    }

    static async Task<byte[]> FetchAsync(ProcessGroup group, TimeSpan timeout, CancellationToken deadline, CancellationToken cancel)
    {
        string lastProblem = "no attempt finished";
        try
        {
            while (true)
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(group.MasterAddress, group.MasterPort, deadline).ConfigureAwait(false);
                    var stream = client.GetStream();
                    await WriteHelloAsync(stream, group, deadline).ConfigureAwait(false);
                    var (status, body) = await ReadAnswerAsync(stream, deadline).ConfigureAwait(false);
                    if (status == Accepted) return body;
                    throw new UserError($"Rank 0 at {group.MasterAddress}:{group.MasterPort} refused rank {group.Rank}: {Encoding.UTF8.GetString(body)}.");
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
                {
                    throw new UserError($"MASTER_ADDR '{group.MasterAddress}' does not resolve to an address: set it to rank 0's host name or IP address.", e);
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    lastProblem = e.Message;   // rank 0 not listening yet, or it dropped us: try again
                }
                await Task.Delay(RetryDelay, deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new UserError(
                $"Rank {group.Rank} could not reach rank 0 at {group.MasterAddress}:{group.MasterPort} within {timeout.TotalSeconds:0.#} s (last problem: {lastProblem}). " +
                "Check that rank 0 is running, that MASTER_ADDR is an address of its machine reachable from here, and that MASTER_PORT matches and is not blocked.");
        }
    }

    /// <summary>
    /// Waits for the peer to close first, so the connection's TIME_WAIT stays on its side and rank 0's port is free for
    /// the next run at once.
    /// </summary>
    static async Task AwaitHangUpAsync(NetworkStream stream, CancellationToken cancel)
    {
        var rest = new byte[1];
        while (await stream.ReadAsync(rest, cancel).ConfigureAwait(false) > 0) { }
    }

    static async Task WriteHelloAsync(NetworkStream stream, ProcessGroup group, CancellationToken cancel)
    {
        var hello = new byte[HelloBytes];
        Magic.CopyTo(hello, 0);
        BinaryPrimitives.WriteInt32LittleEndian(hello.AsSpan(8), group.Rank);
        BinaryPrimitives.WriteInt32LittleEndian(hello.AsSpan(12), group.WorldSize);
        await stream.WriteAsync(hello, cancel).ConfigureAwait(false);
    }

    /// <summary>The peer's rank and world size, or null when it does not speak this protocol.</summary>
    static async Task<(int Rank, int WorldSize)?> ReadHelloAsync(NetworkStream stream, CancellationToken cancel)
    {
        var hello = new byte[HelloBytes];
        await stream.ReadExactlyAsync(hello, cancel).ConfigureAwait(false);
        if (!hello.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return null;
        return (BinaryPrimitives.ReadInt32LittleEndian(hello.AsSpan(8)), BinaryPrimitives.ReadInt32LittleEndian(hello.AsSpan(12)));
    }

    static async Task WriteAnswerAsync(NetworkStream stream, byte status, byte[] body, CancellationToken cancel)
    {
        var header = new byte[5];
        header[0] = status;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(1), body.Length);
        await stream.WriteAsync(header, cancel).ConfigureAwait(false);
        await stream.WriteAsync(body, cancel).ConfigureAwait(false);
    }

    static async Task<(byte Status, byte[] Body)> ReadAnswerAsync(NetworkStream stream, CancellationToken cancel)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, cancel).ConfigureAwait(false);
        int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
        if (header[0] is not (Accepted or Refused) || length is < 0 or > MaxAnswerBytes)
            throw new IOException($"the answer on the rendezvous port is not from a Bert.Compiler rank 0 (status {header[0]}, length {length})");
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancel).ConfigureAwait(false);
        return (header[0], body);
    }
}
