namespace Bert.Graph;

/// <summary>
/// A float tensor in a model declaration: an opaque handle the generator traces, never a value at run time.
/// </summary>
public readonly struct Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => throw Ops.NotExecutable();
    public static Tensor operator -(Tensor a, Tensor b) => throw Ops.NotExecutable();
    public static Tensor operator *(Tensor a, Tensor b) => throw Ops.NotExecutable();
    public static Tensor operator *(Tensor a, float factor) => throw Ops.NotExecutable();
    public static Tensor operator *(float factor, Tensor a) => throw Ops.NotExecutable();
}

/// <summary>An integer tensor (token ids, labels, lengths) in a model declaration.</summary>
public readonly struct IntTensor;
