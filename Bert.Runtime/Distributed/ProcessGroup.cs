using System.Globalization;

namespace Bert.Runtime.Distributed;

/// <summary>
/// This process's place in a data-parallel run: one process per GPU, <see cref="WorldSize"/> processes in all, this
/// one numbered <see cref="Rank"/> and driving GPU <see cref="LocalRank"/> of its machine. Rank 0 serves the NCCL
/// rendezvous at <see cref="MasterAddress"/>:<see cref="MasterPort"/>. Read it with <see cref="FromEnvironment()"/>,
/// which understands torchrun's variables and mpirun's (Open MPI); with neither, a single process (world of one).
/// </summary>
public sealed record ProcessGroup
{
    /// <summary>The rendezvous port when MASTER_PORT is not set (torchrun's default).</summary>
    public const int DefaultPort = 29500;

    /// <summary>The rendezvous host when MASTER_ADDR is not set: this machine, which suits every rank on one machine.</summary>
    public const string DefaultAddress = "127.0.0.1";

    public ProcessGroup(int rank, int worldSize, int localRank, string masterAddress = DefaultAddress, int masterPort = DefaultPort, string source = "arguments")
    {
        if (Problem(rank, worldSize, localRank, masterAddress, masterPort) is { } problem) throw new ArgumentException(problem);
        Rank = rank;
        WorldSize = worldSize;
        LocalRank = localRank;
        MasterAddress = masterAddress;
        MasterPort = masterPort;
        Source = source;
    }

    /// <summary>One process on GPU 0, which talks to nobody.</summary>
    public static ProcessGroup Single { get; } = new(0, 1, 0, source: "single process");

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>The process's index among those on its machine: the CUDA device it drives.</summary>
    public int LocalRank { get; }

    public string MasterAddress { get; }
    public int MasterPort { get; }

    /// <summary>Where the settings came from, for logs and errors: "single process", or e.g. "torchrun environment: RANK=1 WORLD_SIZE=2".</summary>
    public string Source { get; }

    public bool IsRoot => Rank == 0;

    /// <summary>The GPU this process trains on: <c>cuda:LocalRank</c>.</summary>
    public DeviceSpec Device => DeviceSpec.Cuda(LocalRank);

    public override string ToString() =>
        WorldSize == 1 ? $"single process ({Source})" : $"rank {Rank} of {WorldSize} on {Device}, rendezvous {MasterAddress}:{MasterPort} ({Source})";

    /// <summary>The process group this process was launched into (see <see cref="FromEnvironment(Func{string, string?})"/>).</summary>
    public static ProcessGroup FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Reads the launcher's variables through <paramref name="variable"/>: RANK, WORLD_SIZE and LOCAL_RANK (torchrun and
    /// other frameworks' launchers), else OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_SIZE and OMPI_COMM_WORLD_LOCAL_RANK
    /// (mpirun), else a single process. The local rank defaults to the rank (every process on one machine);
    /// MASTER_ADDR and MASTER_PORT default to <see cref="DefaultAddress"/> and <see cref="DefaultPort"/>.
    /// Throws <see cref="UserError"/> naming the variable for a value that is missing, malformed or inconsistent.
    /// </summary>
    public static ProcessGroup FromEnvironment(Func<string, string?> variable)
    {
        var launcher = Launchers.FirstOrDefault(l => IsSet(variable, l.Rank) || IsSet(variable, l.WorldSize));
        if (launcher == null) return Single;

        string Required(string name, string partner) => IsSet(variable, name)
            ? variable(name)!.Trim()
            : throw new UserError($"{partner} is set but {name} is not: {launcher.Name} sets both. Set {name} too, or unset {partner} to run a single process.");
        int rank = ParseInt(Required(launcher.Rank, launcher.WorldSize), launcher.Rank, min: 0);
        int worldSize = ParseInt(Required(launcher.WorldSize, launcher.Rank), launcher.WorldSize, min: 1);
        int localRank = IsSet(variable, launcher.LocalRank) ? ParseInt(variable(launcher.LocalRank)!.Trim(), launcher.LocalRank, min: 0) : rank;
        string address = IsSet(variable, "MASTER_ADDR") ? variable("MASTER_ADDR")!.Trim() : DefaultAddress;
        int port = IsSet(variable, "MASTER_PORT") ? ParseInt(variable("MASTER_PORT")!.Trim(), "MASTER_PORT", min: 1) : DefaultPort;

        // The variables as read, so an error about the group shows what the launcher (or the user) set.
        string[] names = [launcher.Rank, launcher.WorldSize, launcher.LocalRank, "MASTER_ADDR", "MASTER_PORT"];
        string set = string.Join(" ", names.Where(n => IsSet(variable, n)).Select(n => $"{n}={variable(n)!.Trim()}"));
        string source = $"{launcher.Name} environment: {set}";
        if (Problem(rank, worldSize, localRank, address, port) is { } problem)
            throw new UserError($"The {launcher.Name} environment describes an impossible process group: {problem} ({set}).");
        return new ProcessGroup(rank, worldSize, localRank, address, port, source);
    }

    sealed record Launcher(string Name, string Rank, string WorldSize, string LocalRank);

    // torchrun's names first: other frameworks' launchers set the same ones.
    static readonly Launcher[] Launchers =
    [
        new("torchrun", "RANK", "WORLD_SIZE", "LOCAL_RANK"),
        new("Open MPI", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"),
    ];

    static bool IsSet(Func<string, string?> variable, string name) => !string.IsNullOrWhiteSpace(variable(name));

    static int ParseInt(string text, string name, int min) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min
            ? value
            : throw new UserError($"{name}='{text}' is not {(min == 0 ? "a non-negative" : "a positive")} integer.");

    static string? Problem(int rank, int worldSize, int localRank, string address, int port) =>
        worldSize < 1 ? $"the world size is {worldSize}, but it must be at least 1"
        : rank < 0 || rank >= worldSize ? $"rank {rank} is outside 0..{worldSize - 1} for a world of {worldSize}"
        : localRank < 0 || localRank > rank ? $"local rank {localRank} is outside 0..{rank}: a process cannot have more processes before it on its machine than in the whole run"
        : port is < 1 or > 65535 ? $"port {port} is outside 1..65535"
        : string.IsNullOrWhiteSpace(address) ? "the rendezvous address is empty"
        : null;
}
