#pragma once
// File I/O used by both front ends: safe opening of inputs, capped reads and atomic writes
// under one output policy. Throws IoError. docs/hardening.md states the rules.
//
// Inputs: only regular files are read. A path is stat()ed first, so a FIFO, a device or a
// socket is refused before anything could block on it; the file is then opened with
// O_NONBLOCK and fstat()ed again, so a file swapped for a FIFO in between is refused too.
//
// Outputs: a file is written as a hidden temporary beside its target and renamed (or linked)
// into place, so nobody sees half a file. It never replaces an existing file unless the
// policy allows it, never replaces one of the command's inputs (compared by device and inode,
// so symlinks and hard links are seen through), and a signal handler can remove the
// temporary of an interrupted write (removePendingOutputs()).

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// Words for an errno value from opening or reading `path`, without the path: "no such file
/// or folder", "permission denied", "too many levels of symbolic links (a symlink loop?)",
/// "the name is too long", ... (strerror() for the rest).
std::string describeErrno(int error);

/// A file's identity on disk: device and inode (what symlinks and hard links share).
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

/// The identity of what `path` names, following symlinks; nullopt if it cannot be stat()ed.
std::optional<FileIdentity> fileIdentity(const std::filesystem::path& path);

/// "a FIFO", "a character device", "a folder", ... for a st_mode that is not a regular file.
std::string_view describeFileType(mode_t mode);

/// An open, read-only regular file. Move-only; closes on destruction.
class InputFile {
public:
    /// Opens `path` if it is a regular file (see the header comment). Throws IoError naming
    /// the path and, from errno, why ("permission denied", "is a FIFO, not a regular file").
    explicit InputFile(const std::filesystem::path& path);
    ~InputFile();
    InputFile(InputFile&& other) noexcept;
    InputFile& operator=(InputFile&& other) noexcept;
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::uint64_t size() const { return size_; }
    [[nodiscard]] FileIdentity identity() const { return identity_; }
    /// Reads up to `n` bytes at `offset` (fewer only at the end of the file). Throws IoError.
    std::size_t readAt(std::uint64_t offset, char* buffer, std::size_t n) const;
    /// Reads exactly `n` bytes at `offset`; throws IoError ("file ended early: <what>").
    void readExactly(std::uint64_t offset, char* buffer, std::size_t n, std::string_view what) const;

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    FileIdentity identity_;
};

/// How a path given on the command line resolves, for front ends that accept a file, a
/// folder or something else (a bundled name).
enum class PathKind { Missing, RegularFile, Folder };

/// Missing when nothing is there (ENOENT, ENOTDIR); RegularFile or Folder; throws IoError for
/// anything else: a special file ("is a FIFO, not a regular file"), a symlink loop, a name
/// that is too long, permission denied — each in its own words.
PathKind classifyPath(const std::filesystem::path& path);

struct CappedRead {
    std::string bytes;       ///< at most maxBytes bytes of the file
    bool truncated = false;  ///< the file is larger than maxBytes
    std::uintmax_t size = 0; ///< the file's real size when known, else bytes read
};

/// Reads up to `maxBytes` bytes of a regular file (InputFile); never allocates more than
/// that, whatever the file claims.
CappedRead readFileCapped(const std::filesystem::path& path, std::size_t maxBytes);

enum class Overwrite { Refuse, Allow };

/// What a writing command may do with its output paths. One policy for every command that
/// writes (forward --logits-out, generate --out, the GUI's Save).
struct OutputPolicy {
    Overwrite overwrite = Overwrite::Refuse;
    /// Files the command reads. An output that is one of them (same device and inode) is
    /// refused even with Overwrite::Allow.
    std::vector<std::filesystem::path> inputs;
    /// How the user can allow overwriting, appended to the "already exists" message by the
    /// front end's words ("pass --force to overwrite"); empty: no hint.
    std::string overwriteHint;
};

/// Checks `path` before any work is done: not one of the inputs, not an existing file unless
/// the policy allows overwriting, never a folder or special file, and its folder exists and
/// accepts a new file (a probe file is created and removed). Throws IoError naming the path.
void checkOutputPath(const std::filesystem::path& path, const OutputPolicy& policy);

/// An output being written: a hidden temporary beside the target ("." + name + ".tmp…"),
/// created when constructed (after checkOutputPath), moved into place by commit(). The
/// destructor removes it if it was not committed, and removePendingOutputs() removes it from a
/// signal handler. Move-only.
class PendingOutput {
public:
    PendingOutput(std::filesystem::path path, OutputPolicy policy);
    ~PendingOutput();
    PendingOutput(PendingOutput&& other) noexcept;
    PendingOutput& operator=(PendingOutput&&) = delete;
    PendingOutput(const PendingOutput&) = delete;
    PendingOutput& operator=(const PendingOutput&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] const std::filesystem::path& temporaryPath() const { return tmp_; }
    /// Appends bytes to the temporary. Throws IoError (disk full, ...).
    void write(std::string_view bytes);
    /// fsyncs the temporary, checks the policy again (the target may have appeared or become
    /// an input meanwhile) and moves it into place: link() when overwriting is refused, so a
    /// file that appeared in a race is never replaced; rename() otherwise. Throws IoError.
    void commit();

private:
    void discard() noexcept;

    std::filesystem::path path_;
    std::filesystem::path tmp_;
    OutputPolicy policy_;
    int fd_ = -1;
    int slot_ = -1; ///< index in the signal-safe registry of pending temporaries
    bool committed_ = false;
};

/// Writes `content` through a PendingOutput: checked, atomic, never half-written.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content, const OutputPolicy& policy);
/// The same with only an overwrite rule (no inputs to protect).
void writeFileAtomic(const std::filesystem::path& path, std::string_view content,
                     Overwrite overwrite = Overwrite::Refuse);

/// Removes the temporary file of every PendingOutput not yet committed. Async-signal-safe
/// (unlink only): front ends call it from their SIGINT/SIGTERM/SIGHUP handlers before dying.
void removePendingOutputs() noexcept;

} // namespace llamascope
