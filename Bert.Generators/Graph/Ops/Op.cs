
namespace Bert.Generators.Graph.Ops
{
    /// <summary>
    /// One primitive op of the graph IR with all its rules in one place (its file): how a [Forward] method calls it
    /// (<see cref="Calls"/>, <see cref="Parse"/>: arguments and the output shape, with its checks), its vector-Jacobian
    /// product (<see cref="Differentiate"/>, into ops of its own file where it needs new ones), its lowering to a GEMM or
    /// to kernel IR (<see cref="Lower"/>), and the word it gives a fused kernel's name. Each op is a singleton
    /// (<c>Instance</c>); <see cref="OpCalls"/> finds them. Adding an op is adding one file.
    /// </summary>
    internal abstract class Op
    {
        /// <summary>The op's name in plans, labels and error messages.</summary>
        public abstract string Name { get; }

        /// <summary>Whether autodiff made it (a backward op): its kernels run in the backward program.</summary>
        public virtual bool IsGradient => false;

        /// <summary>The <c>Bert.Graph.Ops</c> methods that build this op (none for backward ops and operators).</summary>
        public virtual string[] Calls => new string[0];

        /// <summary>Builds the op for a call of one of its <see cref="Calls"/>; null when an argument was wrong (reported).</summary>
        public virtual Value? Parse(IOpCall call) => throw new System.InvalidOperationException($"{Name} is not called from a [Forward] method.");

        /// <summary>Adds the gradient terms of <paramref name="node"/>'s inputs, given the gradient <paramref name="g"/> of its output.</summary>
        public virtual void Differentiate(Node node, Value g, IGradients d) => throw new System.InvalidOperationException($"No gradient rule for {Name}.");

        /// <summary>Adds the GEMM or kernel that computes <paramref name="node"/>.</summary>
        public abstract void Lower(Node node, IKernels k);

        /// <summary>The word for what <paramref name="node"/> contributes to a fused kernel's name (e.g. Bias, Dropout; a gradient op's is its op's).</summary>
        public virtual string Word(Node node) => Name.EndsWith("Grad") ? Name.Substring(0, Name.Length - 4) : Name;

        public override string ToString() => Name;
    }
}
