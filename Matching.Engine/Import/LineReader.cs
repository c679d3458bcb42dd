namespace Matching.Engine.Import;

/// <summary>
/// Splits a byte stream into lines without decoding, so each row can be decoded (and rejected) on its own.
/// 0x0A never occurs inside a UTF-8 or GB18030 multi-byte character, so splitting on it is safe for both.
/// A line longer than the cap is reported with <c>Bytes = null</c> and skipped without being held in memory.
/// </summary>
internal static class LineReader
{
    public readonly record struct Line(int Number, byte[]? Bytes);

    public static IEnumerable<Line> Read(Stream stream, int maxBytes, int skip = 0)
    {
        var buffer = new byte[1 << 16];
        using var current = new MemoryStream();
        var number = 1;
        var tooLong = false;
        var skipped = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            if (skipped < skip) { start = Math.Min(skip - skipped, read); skipped += start; }
            for (var i = start; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                Append(current, buffer.AsSpan(start, i - start), maxBytes, ref tooLong);
                yield return Finish(current, number++, ref tooLong);
                start = i + 1;
            }
            Append(current, buffer.AsSpan(start, read - start), maxBytes, ref tooLong);
        }
        if (current.Length > 0 || tooLong) yield return Finish(current, number, ref tooLong);
    }

    private static void Append(MemoryStream current, ReadOnlySpan<byte> bytes, int maxBytes, ref bool tooLong)
    {
        if (tooLong) return;
        if (current.Length + bytes.Length > maxBytes) { tooLong = true; current.SetLength(0); return; }
        current.Write(bytes);
    }

    private static Line Finish(MemoryStream current, int number, ref bool tooLong)
    {
        byte[]? bytes = null;
        if (!tooLong)
        {
            var length = (int)current.Length;
            if (length > 0 && current.GetBuffer()[length - 1] == (byte)'\r') length--;
            bytes = current.GetBuffer().AsSpan(0, length).ToArray();
        }
        current.SetLength(0);
        tooLong = false;
        return new Line(number, bytes);
    }
}
