namespace Trove.Storage.Persistence;

/// <summary>The flusher thread: the only code that touches the active segment after <see cref="Open"/>.</summary>
public sealed partial class LogWriter
{
    private enum Step
    {
        Write,
        Sync,
        Rotate,
    }

    private void RunFlusher()
    {
        while (true)
        {
            byte[] batch;
            int length;
            List<int> breaks;
            TaskCompletionSource? done;
            TaskCompletionSource? sync;
            bool closing;
            lock (_gate)
            {
                while (_pendingLength == 0 && _breaks.Count == 0 && _syncRequested is null && !_closing && !PeriodicSyncDue(out int timeout))
                {
                    Monitor.Wait(_gate, timeout);
                }

                // Swap buffers: appenders fill the other one while this batch is written and fsynced.
                batch = _pending;
                length = _pendingLength;
                _pending = _spare;
                _pendingLength = 0;
                _spare = batch;
                breaks = _breaks;
                _breaks = _spareBreaks;
                _spareBreaks = breaks;
                done = _batchDone;
                _batchDone = null;
                sync = _syncRequested;
                _syncRequested = null;
                closing = _closing;
            }

            Step step = Step.Write;
            try
            {
                int start = 0;
                foreach (int at in breaks)
                {
                    WritePiece(batch.AsSpan(start, at - start));
                    step = Step.Rotate;
                    Rotate();
                    step = Step.Write;
                    start = at;
                }

                breaks.Clear();
                WritePiece(batch.AsSpan(start, length - start));
                if (batch.Length > RetainedBufferSize)
                {
                    _spare = new byte[InitialBufferSize]; // batch is _spare: only this thread touches it until the next swap
                }

                bool syncNow = _options.Fsync == FsyncPolicy.Always || sync is not null || closing || PeriodicSyncDue(out _);
                if (_unsynced && syncNow)
                {
                    step = Step.Sync;
                    SyncFile();
                }
            }
            catch (Exception ex)
            {
                Fail(step, ex, done, sync);
                return;
            }

            // Invariant: under Always, _unsynced is false here, so completing the batch means it is on stable storage.
            done?.TrySetResult();
            sync?.TrySetResult();

            if (closing)
            {
                lock (_gate)
                {
                    if (_pendingLength == 0 && _syncRequested is null)
                    {
                        var closed = new LogWriteFailedException(LogFailureKind.Closed, "the log writer is closed");
                        _failure = closed;
                        _failedTask = Task.FromException(closed);
                        return;
                    }
                }

                continue;
            }

            // Seal a full segment now rather than at the next append: the next loop rotates at the break.
            lock (_gate)
            {
                BreakIfFull();
            }
        }
    }

    /// <summary>Writes part of a batch to the active segment and publishes how far the file now holds the log.</summary>
    private void WritePiece(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        _file.Write(piece);
        _unsynced = true;
        Volatile.Write(ref _written, PackWritten(_activeSequence, _file.Length));
    }

    /// <summary>Under EverySecond: whether unsynced data has waited a full interval; else how long to wait (ms).</summary>
    private bool PeriodicSyncDue(out int timeoutMs)
    {
        timeoutMs = Timeout.Infinite;
        if (_options.Fsync != FsyncPolicy.EverySecond || !_unsynced)
        {
            return false;
        }

        long remaining = (long)_options.SyncInterval.TotalMilliseconds - (Environment.TickCount64 - _lastSyncTicks);
        if (remaining <= 0)
        {
            return true;
        }

        timeoutMs = (int)Math.Min(remaining, int.MaxValue);
        return false;
    }

    private void SyncFile()
    {
        _file.Sync();
        _unsynced = false;
        _lastSyncTicks = Environment.TickCount64;
        Interlocked.Increment(ref _syncCount);
    }

    /// <summary>
    /// Seals the active segment (fsynced whatever the policy, so recovery may treat any damage in a segment that is
    /// not the last as corruption) and starts the next one (header, file fsync, directory fsync).
    /// </summary>
    private void Rotate()
    {
        if (_unsynced)
        {
            SyncFile();
        }

        _file.Dispose();
        ulong next = _activeSequence + 1;
        _file = CreateSegment(_fileSystem, _directory, next);
        Interlocked.Increment(ref _syncCount);
        Volatile.Write(ref _activeSequence, next);
        Volatile.Write(ref _written, PackWritten(next, RecordFormat.SegmentHeaderRecordLength));
    }

    /// <summary>Enters the permanent failed state and faults every record not yet acknowledged.</summary>
    private void Fail(Step step, Exception error, TaskCompletionSource? done, TaskCompletionSource? sync)
    {
        LogFailureKind kind = error is IOException io && DiskFull.Is(io) ? LogFailureKind.DiskFull
            : step == Step.Write ? LogFailureKind.WriteFailed
            : LogFailureKind.SyncFailed;
        var failure = new LogWriteFailedException(kind,
            $"log segment {SegmentFiles.NameOf(_activeSequence)}: {step} failed ({kind}); no further writes are accepted", error);
        TaskCompletionSource? laterBatch;
        TaskCompletionSource? laterSync;
        lock (_gate)
        {
            _failure = failure;
            _failedTask = Task.FromException(failure);
            laterBatch = _batchDone;
            laterSync = _syncRequested;
            _batchDone = null;
            _syncRequested = null;
            _pendingLength = 0;
            _breaks.Clear();
        }

        done?.TrySetException(failure);
        sync?.TrySetException(failure);
        laterBatch?.TrySetException(failure);
        laterSync?.TrySetException(failure);
    }
}
