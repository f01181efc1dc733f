namespace Trove.Storage.Persistence;

/// <summary>Recognises "no space left on device" among I/O errors, so a full disk can be reported as such.</summary>
public static class DiskFull
{
    /// <summary>Linux ENOSPC; .NET on Unix puts the raw errno in <see cref="Exception.HResult"/>.</summary>
    public const int Enospc = 28;

    /// <summary>Linux EDQUOT (quota exceeded), which a writer experiences the same way.</summary>
    public const int Edquot = 122;

    private const int WindowsDiskFull = 112;       // ERROR_DISK_FULL
    private const int WindowsHandleDiskFull = 39;  // ERROR_HANDLE_DISK_FULL

    /// <summary>True if the exception means the disk (or the quota) is full.</summary>
    public static bool Is(IOException exception)
    {
        int hr = exception.HResult;
        if (OperatingSystem.IsWindows())
        {
            // Windows errors arrive as HRESULT_FROM_WIN32: 0x8007xxxx.
            int code = (hr & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000) ? hr & 0xFFFF : hr;
            return code is WindowsDiskFull or WindowsHandleDiskFull;
        }

        return hr is Enospc or Edquot;
    }
}
