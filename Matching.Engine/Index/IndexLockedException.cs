namespace Matching.Engine.Index;

/// <summary>Another process holds the index writer. The message says who, so an operator knows what to stop.</summary>
public sealed class IndexLockedException(string message, Exception inner) : Exception(message, inner);
