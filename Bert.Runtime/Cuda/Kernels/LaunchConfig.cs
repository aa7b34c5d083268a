namespace Bert.Runtime.Cuda.Kernels;

/// <summary>A grid or block shape.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1);

/// <summary>Grid and block shapes plus the dynamic shared memory (bytes) of one kernel launch.</summary>
public readonly record struct LaunchConfig(Dim3 Grid, Dim3 Block, int SharedMemoryBytes = 0);
