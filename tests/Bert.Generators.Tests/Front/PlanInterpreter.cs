using Bert.Generators.Common;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Tests.Front;

/// <summary>
/// Runs an <see cref="ExecutionPlan"/> directly, in double precision: kernels by walking their IR, GEMMs as
/// plain loops, arena buffers at their memory-plan slot offsets (so an overlapping slot assignment corrupts
/// results). It checks the front end's semantics (lowering, fusion, autodiff, memory plan) independently of
/// the emitters; dropout uses a test hash, not Philox (only consistency between runs matters here).
/// </summary>
sealed class PlanInterpreter
{
    readonly ExecutionPlan plan;
    readonly Dictionary<string, long> symbols;
    readonly Dictionary<string, Kernel> kernels;
    readonly Dictionary<string, long> bufferOffsets = new();
    readonly double[] arena;
    bool training;
    ulong seed;

    public PlanInterpreter(ExecutionPlan plan, Dictionary<string, long> symbols, Dictionary<string, double>? hypers = null)
    {
        this.plan = plan;
        this.symbols = symbols;
        Hypers = hypers ?? new Dictionary<string, double>();
        kernels = plan.Kernels.ToDictionary(k => k.Name);
        foreach (var p in plan.Params)
        {
            Params[p.Name] = new double[Count(p.Shape)];
            Grads[p.Name] = new double[Count(p.Shape)];
        }
        foreach (var input in plan.Inputs) Inputs[input.Name] = new double[Count(input.Shape)];
        // Slot offsets: each slot is as large as its largest member, for these dimensions.
        var slotOffsets = new List<long>();
        long total = 0;
        foreach (var sizes in plan.Memory.SlotSizes)
        {
            slotOffsets.Add(total);
            total += sizes.Max(Evaluate);
        }
        arena = new double[total];
        ArenaElements = total;
        foreach (var b in plan.Buffers) bufferOffsets[b.Name] = slotOffsets[b.Slot];
    }

    /// <summary>Runs the plan's kernels instead of the interpreter's own IR walk (e.g. on ILGPU); null: the walk.</summary>
    public IKernelRunner? KernelRunner { get; init; }

    public Dictionary<string, double[]> Params { get; } = new();
    public Dictionary<string, double[]> Grads { get; } = new();
    public Dictionary<string, double[]> Inputs { get; } = new();
    public Dictionary<string, double> Hypers { get; }
    public long ArenaElements { get; }

    public long Evaluate(SizeExpr size) => MemoryPlan.Evaluate(size, symbols);

    long Count(IEnumerable<SizeExpr> shape) => shape.Aggregate(1L, (a, d) => a * Evaluate(d));

    public double Forward(bool training = false, ulong seed = 1)
    {
        this.training = training;
        this.seed = seed;
        foreach (var step in plan.Forward) Run(step);
        return Read(plan.Loss)[0];
    }

    public void Backward()
    {
        foreach (var step in plan.Backward) Run(step);
    }

    public double[] Output(string name)
    {
        var output = plan.Outputs.Single(o => o.Name == name);
        return Read(output.Tensor, Count(output.Shape));
    }

    double[] Read(TensorRef t, long count = 1)
    {
        var (array, offset) = Resolve(t);
        return array.Skip((int)offset).Take((int)count).ToArray();
    }

    (double[] Array, long Offset) Resolve(TensorRef t) => t.Storage switch
    {
        StorageKind.ParamValue => (Params[t.Name], 0),
        StorageKind.ParamGrad => (Grads[t.Name], 0),
        StorageKind.Input => (Inputs[t.Name], 0),
        _ => (arena, bufferOffsets[t.Name]),
    };

    long Elements(TensorRef t) => t.Storage switch
    {
        StorageKind.Arena => Evaluate(plan.Buffers.Single(b => b.Name == t.Name).Elements),
        _ => Resolve(t).Array.Length,
    };

    void Run(Step step)
    {
        switch (step)
        {
            case ZeroStep z:
                var (za, zo) = Resolve(z.Tensor);
                Array.Clear(za, (int)zo, (int)Evaluate(z.Elements));
                break;
            case ZeroGradientsStep:
                foreach (var gradient in Grads.Values) Array.Clear(gradient);
                break;
            case GemmStep g:
                Gemm(g);
                break;
            case KernelStep k:
                Launch(k);
                break;
            default:
                throw new InvalidOperationException(step.ToString());
        }
    }

    void Gemm(GemmStep g)
    {
        var (a, ao) = Resolve(g.A);
        var (b, bo) = Resolve(g.B);
        var (c, co) = Resolve(g.C);
        long m = Evaluate(g.M), n = Evaluate(g.N), k = Evaluate(g.K), lda = Evaluate(g.Lda), ldb = Evaluate(g.Ldb), ldc = Evaluate(g.Ldc);
        for (long batch = 0; batch < Evaluate(g.BatchCount); batch++)
        {
            long ab = ao + batch * Evaluate(g.StrideA), bb = bo + batch * Evaluate(g.StrideB), cb = co + batch * Evaluate(g.StrideC);
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (long p = 0; p < k; p++)
                        sum += a[ab + (g.TransA ? p * lda + i : i * lda + p)] * b[bb + (g.TransB ? j * ldb + p : p * ldb + j)];
                    ref double target = ref c[cb + i * ldc + j];
                    target = g.Alpha * sum + (g.Beta == 0 ? 0 : g.Beta * target);
                }
        }
    }

    sealed class Env(Dictionary<string, (double[] Array, long Offset)> buffers)
    {
        public Dictionary<string, double> Vars { get; } = new();
        public Dictionary<string, (double[] Array, long Offset)> Buffers { get; } = buffers;
    }

    void Launch(KernelStep step)
    {
        var kernel = kernels[step.Kernel];
        var env = new Env(step.Buffers.ToDictionary(b => b.Key, b => Resolve(b.Value)));
        foreach (var name in step.ZeroFirst)
        {
            var (array, offset) = env.Buffers[name];
            Array.Clear(array, (int)offset, (int)Elements(step.Buffers[name]));
        }
        var modelEnv = new Env(new());
        foreach (var pair in symbols) modelEnv.Vars[pair.Key] = pair.Value;
        foreach (var pair in Hypers) modelEnv.Vars[pair.Key] = pair.Value;
        modelEnv.Vars["training"] = training ? 1 : 0;   // bound as an int, 1 or 0
        modelEnv.Vars["seed"] = seed;
        foreach (var s in kernel.Scalars) env.Vars[s.Name] = Eval(step.Scalars[s.Name], modelEnv);
        if (KernelRunner is not null)
        {
            var buffers = step.Buffers.ToDictionary(b => b.Key, b => new KernelBufferBinding(Resolve(b.Value).Array, Resolve(b.Value).Offset, Elements(b.Value)));
            KernelRunner.Run(kernel, buffers, kernel.Scalars.ToDictionary(s => s.Name, s => env.Vars[s.Name]), symbols);
            return;
        }

        switch (kernel.Body)
        {
            case PointwiseBody p:
                for (long i = 0; i < Evaluate(p.Count); i++)
                {
                    env.Vars["i"] = i;
                    foreach (var s in p.Body) Exec(s, env);
                }
                break;
            case RowwiseBody r:
                long cols = Evaluate(r.Cols);
                for (long row = 0; row < Evaluate(r.Rows); row++)
                {
                    env.Vars["row"] = row;
                    foreach (var stage in r.Stages)
                        switch (stage)
                        {
                            case ReduceStage red:
                                double acc = red.Op == ReduceOp.Sum ? 0 : double.NegativeInfinity;
                                for (long j = 0; j < cols; j++)
                                {
                                    env.Vars["j"] = j;
                                    double v = Eval(red.Value, env);
                                    acc = red.Op == ReduceOp.Sum ? acc + v : Math.Max(acc, v);
                                }
                                env.Vars[red.Result] = acc;
                                break;
                            case ScalarStage sc:
                                foreach (var let in sc.Lets) Exec(let, env);
                                foreach (var st in sc.RowStores) Exec(st, env);
                                break;
                            case MapStage m:
                                for (long j = 0; j < cols; j++)
                                {
                                    env.Vars["j"] = j;
                                    foreach (var s in m.Body) Exec(s, env);
                                }
                                break;
                        }
                }
                break;
        }
    }

    void Exec(Stmt s, Env env)
    {
        switch (s)
        {
            case LetStmt let:
                double value = Eval(let.Value, env);
                env.Vars[let.Name] = let.Type == ScalarType.F32 ? value : Math.Truncate(value);
                break;
            case StoreStmt st:
                var (array, offset) = env.Buffers[st.Buffer];
                long index = (long)Eval(st.Index, env);
                double v = Eval(st.Value, env);
                if (st.Accumulate) array[offset + index] += v;
                else array[offset + index] = v;
                break;
        }
    }

    double Eval(Expr e, Env env) => e switch
    {
        FloatConst f => f.Value,
        IntConst n => n.Value,
        SizeConst s => Evaluate(s.Size),
        VarExpr v => env.Vars.TryGetValue(v.Name, out var x) ? x : throw new KeyNotFoundException("variable " + v.Name),
        LoadExpr l => Load(l, env),
        UnaryExpr u => Unary(u.Op, Eval(u.Operand, env)),
        BinaryExpr b => Binary(b.Op, Eval(b.Left, env), Eval(b.Right, env)),
        SelectExpr s => Eval(s.Condition, env) != 0 ? Eval(s.WhenTrue, env) : Eval(s.WhenFalse, env),
        UniformExpr r => Uniform((ulong)Eval(r.Seed, env), (ulong)Eval(r.Counter, env)),
        _ => throw new InvalidOperationException(e.ToString()),
    };

    double Load(LoadExpr l, Env env)
    {
        var (array, offset) = env.Buffers[l.Buffer];
        long index = (long)Eval(l.Index, env);
        return array[offset + index];
    }

    static double Unary(UnaryOp op, double x) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Rsqrt => 1 / Math.Sqrt(x),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Erf => Erf(x),
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.ToF32 => x,
        UnaryOp.ToI32 => Math.Truncate(x),
        _ => throw new InvalidOperationException(op.ToString()),
    };

    static double Binary(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Max => Math.Max(a, b),
        BinaryOp.Min => Math.Min(a, b),
        BinaryOp.IntDiv => Math.Truncate(a / b),
        BinaryOp.IntMod => a % b,
        BinaryOp.Less => a < b ? 1 : 0,
        BinaryOp.LessEqual => a <= b ? 1 : 0,
        BinaryOp.Equal => a == b ? 1 : 0,
        _ => throw new InvalidOperationException(op.ToString()),
    };

    /// <summary>erf to ~1e-15 (Maclaurin series near 0, continued fraction via erfc beyond).</summary>
    static double Erf(double x)
    {
        if (Math.Abs(x) > 3) return Math.Sign(x) * (1 - Erfc(Math.Abs(x)));
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-17) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    static double Erfc(double x)
    {
        double f = 0;
        for (int n = 60; n >= 1; n--) f = n / 2.0 / (x + f);
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / (x + f);
    }

    /// <summary>A counter-based hash to [0, 1) (splitmix64), standing in for Philox in these tests.</summary>
    static double Uniform(ulong seed, ulong counter)
    {
        ulong z = seed * 0x9E3779B97F4A7C15UL + counter + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}

/// <summary>Where a kernel buffer lives while the interpreter runs: an array (arena, parameters, gradients, an input) at an offset.</summary>
sealed record KernelBufferBinding(double[] Array, long Offset, long Elements);

/// <summary>Executes one kernel of a plan over the interpreter's arrays, with its scalars and the run's symbols.</summary>
interface IKernelRunner
{
    void Run(Kernel kernel, IReadOnlyDictionary<string, KernelBufferBinding> buffers, IReadOnlyDictionary<string, double> scalars,
        IReadOnlyDictionary<string, long> symbols);
}
