using Bert.Runtime.Distributed;

namespace Bert.Runtime.Tests.Distributed;

public class ProcessGroupTests
{
    static ProcessGroup From(params (string Name, string Value)[] variables)
    {
        var table = variables.ToDictionary(v => v.Name, v => v.Value);
        return ProcessGroup.FromEnvironment(name => table.GetValueOrDefault(name));
    }

    static string ErrorFrom(params (string Name, string Value)[] variables) => Assert.Throws<UserError>(() => From(variables)).Message;

    [Fact]
    public void No_launcher_variables_mean_a_single_process_on_gpu_0()
    {
        var group = From();
        Assert.Equal((0, 1, 0), (group.Rank, group.WorldSize, group.LocalRank));
        Assert.Equal(DeviceSpec.Cuda(0), group.Device);
        Assert.True(group.IsRoot);
    }

    [Fact]
    public void Torchrun_variables_give_rank_world_device_and_rendezvous()
    {
        var group = From(("RANK", "5"), ("WORLD_SIZE", "8"), ("LOCAL_RANK", "1"), ("MASTER_ADDR", "node0"), ("MASTER_PORT", "12345"));
        Assert.Equal((5, 8, 1, "node0", 12345), (group.Rank, group.WorldSize, group.LocalRank, group.MasterAddress, group.MasterPort));
        Assert.Equal(DeviceSpec.Cuda(1), group.Device);
        Assert.False(group.IsRoot);
        Assert.Contains("torchrun", group.Source);
    }

    [Fact]
    public void Open_mpi_variables_are_read_when_torchrun_ones_are_absent()
    {
        var group = From(("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "4"), ("OMPI_COMM_WORLD_LOCAL_RANK", "3"), ("MASTER_PORT", "29600"));
        Assert.Equal((3, 4, 3, 29600), (group.Rank, group.WorldSize, group.LocalRank, group.MasterPort));
        Assert.Equal(ProcessGroup.DefaultAddress, group.MasterAddress);
        Assert.Contains("Open MPI", group.Source);
    }

    [Fact]
    public void Source_shows_the_variables_as_set_for_error_messages()
    {
        var group = From(("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "2"), ("MASTER_ADDR", " node7 "));
        Assert.Equal("Open MPI environment: OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=2 MASTER_ADDR=node7", group.Source);
        Assert.Contains("(RANK=1 WORLD_SIZE=2 LOCAL_RANK=2)", ErrorFrom(("RANK", "1"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "2")));
    }

    [Fact]
    public void Torchrun_variables_win_over_open_mpi_ones()
    {
        var group = From(("RANK", "1"), ("WORLD_SIZE", "2"), ("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", "1"));
        Assert.Equal((1, 2), (group.Rank, group.WorldSize));
    }

    [Fact]
    public void Missing_local_rank_and_rendezvous_default_to_one_machine()
    {
        var group = From(("RANK", "2"), ("WORLD_SIZE", "4"));
        Assert.Equal(2, group.LocalRank);
        Assert.Equal((ProcessGroup.DefaultAddress, ProcessGroup.DefaultPort), (group.MasterAddress, group.MasterPort));
    }

    [Fact]
    public void Half_set_launcher_variables_name_the_missing_one()
    {
        Assert.Contains("WORLD_SIZE is not", ErrorFrom(("RANK", "0")));
        Assert.Contains("OMPI_COMM_WORLD_RANK is not", ErrorFrom(("OMPI_COMM_WORLD_SIZE", "2")));
    }

    [Theory]
    [InlineData("4", "4", "0", "29500", "rank 4 is outside 0..3")]
    [InlineData("1", "0", "0", "29500", "WORLD_SIZE='0' is not a positive integer")]
    [InlineData("-1", "2", "0", "29500", "RANK='-1' is not a non-negative integer")]
    [InlineData("one", "2", "0", "29500", "RANK='one'")]
    [InlineData("1", "2", "2", "29500", "local rank 2 is outside 0..1")]
    [InlineData("1", "2", "0", "70000", "port 70000 is outside 1..65535")]
    [InlineData("1", "2", "0", "http", "MASTER_PORT='http'")]
    public void Impossible_values_are_user_errors_naming_the_problem(string rank, string world, string localRank, string port, string expected)
    {
        Assert.Contains(expected, ErrorFrom(("RANK", rank), ("WORLD_SIZE", world), ("LOCAL_RANK", localRank), ("MASTER_PORT", port)));
    }

    [Fact]
    public void Constructor_rejects_an_impossible_group()
    {
        Assert.Contains("rank 2 is outside 0..1", Assert.Throws<ArgumentException>(() => new ProcessGroup(2, 2, 0)).Message);
    }
}
