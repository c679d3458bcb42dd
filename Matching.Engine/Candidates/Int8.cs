using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Matching.Engine.Candidates;

/// <summary>Dot products of int8 codes, summed in 32 bits (System.Numerics.Tensors has none that widens).</summary>
internal static class Int8
{
    /// <summary>Σ a[i]·b[i] over two code vectors of equal length (each product fits in 16 bits, the sums in 32).</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("code vectors of different lengths", nameof(b));
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && a.Length >= Vector256<sbyte>.Count)
        {
            // Widened to 16 bits, multiplied and added in adjacent pairs into 32-bit lanes.
            var acc = Vector256<int>.Zero;
            for (; i <= a.Length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var (alo, ahi) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
                var (blo, bhi) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i));
                acc = Avx2.Add(acc, Avx2.Add(Avx2.MultiplyAddAdjacent(alo, blo), Avx2.MultiplyAddAdjacent(ahi, bhi)));
            }
            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<sbyte>.Count)
        {
            var acc = Vector128<int>.Zero;
            for (; i <= a.Length - Vector128<sbyte>.Count; i += Vector128<sbyte>.Count)
            {
                var (alo, ahi) = Vector128.Widen(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var (blo, bhi) = Vector128.Widen(Vector128.LoadUnsafe(ref rb, (nuint)i));
                acc += Widened(alo * blo) + Widened(ahi * bhi);
            }
            sum = Vector128.Sum(acc);
        }
        for (; i < a.Length; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Widened(Vector128<short> products)
    {
        var (lo, hi) = Vector128.Widen(products);
        return lo + hi;
    }
}
