using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Runtime.Data;

/// <summary>
/// Interns words given as char spans with a hash the caller computes while scanning them (FNV-1a via
/// <see cref="Hash"/>): open addressing, linear probing, power-of-two capacity. Faster than a
/// Dictionary for millions of short lookups because hashing is fused into tokenization.
/// </summary>
sealed class WordTable
{
    public const uint EmptyHash = 2166136261;

    public readonly List<string> Words = [];
    public readonly List<int> Counts = [];
    int[] slots = new int[1 << 14];   // word id + 1; 0 = empty
    uint[] slotHashes = new uint[1 << 14];
    int shift = 32 - 14;

    // Fibonacci hashing spreads FNV's weak low bits over the table.
    int Home(uint hash) => (int)((hash * 2654435769u) >> shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(uint hash, char c) => (hash ^ c) * 16777619;

    /// <summary>The id of <paramref name="word"/> (hashed to <paramref name="hash"/>), adding it if new; counts it.</summary>
    public int Intern(ReadOnlySpan<char> word, uint hash)
    {
        int mask = slots.Length - 1;
        for (int slot = Home(hash); ; slot = (slot + 1) & mask)
        {
            int entry = slots[slot];
            if (entry == 0) return Add(word, hash, slot);
            if (slotHashes[slot] == hash && word.SequenceEqual(Words[entry - 1]))
            {
                CollectionsMarshal.AsSpan(Counts)[entry - 1]++;
                return entry - 1;
            }
        }
    }

    int Add(ReadOnlySpan<char> word, uint hash, int slot)
    {
        int id = Words.Count;
        Words.Add(word.ToString());
        Counts.Add(1);
        slots[slot] = id + 1;
        slotHashes[slot] = hash;
        if (Words.Count * 2 > slots.Length) Grow();
        return id;
    }

    // Keeps the load factor at most 1/2.
    void Grow()
    {
        int[] oldSlots = slots;
        uint[] oldHashes = slotHashes;
        slots = new int[oldSlots.Length * 2];
        slotHashes = new uint[oldSlots.Length * 2];
        shift--;
        int mask = slots.Length - 1;
        for (int i = 0; i < oldSlots.Length; i++)
        {
            if (oldSlots[i] == 0) continue;
            int slot = Home(oldHashes[i]);
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = oldSlots[i];
            slotHashes[slot] = oldHashes[i];
        }
    }
}
