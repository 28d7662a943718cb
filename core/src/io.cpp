// Safe inputs, checked atomic outputs: see io.hpp and docs/hardening.md.

#include "llamascope/io.hpp"

#include "llamascope/errors.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llamascope {

namespace fs = std::filesystem;

std::string describeErrno(int error)
{
    switch (error) {
    case ENOENT: return "no such file or folder";
    case ENOTDIR: return "a part of the path is not a folder";
    case EACCES:
    case EPERM: return "permission denied";
    case ELOOP: return "too many levels of symbolic links (a symlink loop?)";
    case ENAMETOOLONG: return "the name is too long for the file system";
    case EISDIR: return "is a folder";
    case EROFS: return "the file system is read-only";
    case ENOSPC: return "no space left on the device";
    case EDQUOT: return "disk quota exceeded";
    case EMFILE:
    case ENFILE: return "too many open files";
    case EIO: return "input/output error (a failing disk or a network file system?)";
    case EXDEV: return "the temporary file and the target are on different file systems";
    default: break;
    }
    std::string s = std::strerror(error);
    if (!s.empty() && s.front() >= 'A' && s.front() <= 'Z')
        s.front() = static_cast<char>(s.front() - 'A' + 'a');
    return s;
}

std::string_view describeFileType(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "a special file";
}

std::optional<FileIdentity> fileIdentity(const fs::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return FileIdentity{st.st_dev, st.st_ino};
}

namespace {

[[noreturn]] void failPath(const fs::path& path, const std::string& why)
{
    throw IoError(path.string() + ": " + why);
}

std::string notRegular(mode_t mode)
{
    if (S_ISDIR(mode))
        return "is a folder, not a file";
    return "is " + std::string(describeFileType(mode)) + ", not a regular file";
}

} // namespace

InputFile::InputFile(const fs::path& path) : path_(path)
{
    // stat first: open() on a FIFO without a writer blocks forever, on a tape device rewinds it.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        failPath(path, describeErrno(errno));
    if (!S_ISREG(st.st_mode))
        failPath(path, notRegular(st.st_mode));
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, open returns at once.
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0)
        failPath(path, "cannot open for reading (" + describeErrno(errno) + ")");
    struct stat opened {};
    if (::fstat(fd_, &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_dev != st.st_dev ||
        opened.st_ino != st.st_ino) {
        const mode_t mode = opened.st_mode;
        ::close(fd_);
        fd_ = -1;
        failPath(path, S_ISREG(mode) ? "changed while it was being opened" : notRegular(mode));
    }
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0)
        (void)::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
    size_ = static_cast<std::uint64_t>(opened.st_size);
    identity_ = {opened.st_dev, opened.st_ino};
}

InputFile::~InputFile()
{
    if (fd_ >= 0)
        ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_),
      identity_(other.identity_)
{
}

InputFile& InputFile::operator=(InputFile&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = other.size_;
        identity_ = other.identity_;
    }
    return *this;
}

std::size_t InputFile::readAt(std::uint64_t offset, char* buffer, std::size_t n) const
{
    std::size_t done = 0;
    while (done < n) {
        const ssize_t got = ::pread(fd_, buffer + done, n - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            failPath(path_, "read error (" + describeErrno(errno) + ")");
        }
        if (got == 0)
            break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

void InputFile::readExactly(std::uint64_t offset, char* buffer, std::size_t n, std::string_view what) const
{
    if (readAt(offset, buffer, n) != n)
        failPath(path_, "file ended while reading " + std::string(what) + " (was it truncated?)");
}

PathKind classifyPath(const fs::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR)
            return PathKind::Missing;
        failPath(path, describeErrno(error));
    }
    if (S_ISDIR(st.st_mode))
        return PathKind::Folder;
    if (S_ISREG(st.st_mode))
        return PathKind::RegularFile;
    failPath(path, notRegular(st.st_mode));
}

CappedRead readFileCapped(const fs::path& path, std::size_t maxBytes)
{
    const InputFile file(path);
    CappedRead r;
    r.bytes.resize(static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), maxBytes)));
    std::size_t got = file.readAt(0, r.bytes.data(), r.bytes.size());
    r.bytes.resize(got);
    // The file may have grown since fstat: read on in chunks up to the cap.
    constexpr std::size_t kChunk = 1u << 16;
    std::array<char, kChunk> buf{};
    while (true) {
        const std::size_t want = std::min(kChunk, maxBytes + 1 - r.bytes.size());
        const std::size_t n = file.readAt(r.bytes.size(), buf.data(), want);
        if (n == 0)
            break;
        if (r.bytes.size() + n > maxBytes) {
            r.bytes.append(buf.data(), maxBytes - r.bytes.size());
            r.truncated = true;
            break;
        }
        r.bytes.append(buf.data(), n);
    }
    r.size = r.truncated ? std::max<std::uintmax_t>(file.size(), r.bytes.size() + 1) : r.bytes.size();
    return r;
}

// ---- outputs -------------------------------------------------------------------------------

namespace {

// Temporaries of uncommitted PendingOutputs, for removePendingOutputs() in a signal handler:
// fixed storage (no allocation), slot states changed atomically.
constexpr int kSlots = 64; // a ladder writes up to 64 files at once
constexpr std::size_t kSlotPath = 4096;
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };
std::array<std::atomic<int>, kSlots> gSlotState{};
std::array<std::array<char, kSlotPath>, kSlots> gSlotPath{};

int registerTemporary(const fs::path& tmp)
{
    const std::string& s = tmp.native();
    if (s.size() + 1 > kSlotPath)
        return -1;
    for (int i = 0; i < kSlots; ++i) {
        int expected = kFree;
        if (gSlotState[static_cast<std::size_t>(i)].compare_exchange_strong(expected, kFilling)) {
            auto& buf = gSlotPath[static_cast<std::size_t>(i)];
            std::memcpy(buf.data(), s.c_str(), s.size() + 1);
            gSlotState[static_cast<std::size_t>(i)].store(kReady);
            return i;
        }
    }
    return -1; // more pending outputs than slots: still removed by the destructor
}

void releaseTemporary(int slot)
{
    if (slot >= 0)
        gSlotState[static_cast<std::size_t>(slot)].store(kFree);
}

fs::path folderOf(const fs::path& path)
{
    return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// A hidden name beside the target; the stem is shortened so the name stays under NAME_MAX.
fs::path temporaryName(const fs::path& path, std::string_view tag)
{
    std::string stem = path.filename().string();
    if (stem.size() > 160)
        stem.resize(160);
    std::random_device rd;
    return folderOf(path) / ("." + stem + "." + std::string(tag) + std::to_string(rd()));
}

// Checks of checkOutputPath() that are repeated at commit time.
void checkTarget(const fs::path& path, const OutputPolicy& policy)
{
    if (path.empty())
        throw IoError("the output file name is empty");
    if (!path.has_filename())
        failPath(path, "names a folder, not a file");
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        for (const fs::path& input : policy.inputs) {
            const auto id = fileIdentity(input);
            if (id && id->device == st.st_dev && id->inode == st.st_ino)
                failPath(path, "is " +
                                   (input == path ? std::string("an input of this command")
                                                  : "the same file as the input " + input.string()) +
                                   "; writing it would destroy the input (choose another output file)");
        }
        if (!S_ISREG(st.st_mode))
            failPath(path, notRegular(st.st_mode) + "; not replaced");
        if (policy.overwrite == Overwrite::Refuse)
            failPath(path,
                     "already exists; not overwritten" +
                         (policy.overwriteHint.empty() ? std::string() : " (" + policy.overwriteHint + ")"));
        return;
    }
    const int error = errno;
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0) { // a dangling symlink
        if (policy.overwrite == Overwrite::Refuse)
            failPath(path,
                     "is a symbolic link to a missing file; not overwritten" +
                         (policy.overwriteHint.empty() ? std::string() : " (" + policy.overwriteHint + ")"));
        return;
    }
    if (error != ENOENT)
        failPath(path, describeErrno(error));
}

} // namespace

void checkOutputPath(const fs::path& path, const OutputPolicy& policy)
{
    checkTarget(path, policy);
    const fs::path dir = folderOf(path);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        failPath(path, "cannot write into folder " + dir.string() + " (" + describeErrno(errno) + ")");
    if (!S_ISDIR(st.st_mode))
        failPath(path, dir.string() + " is not a folder");
    // access(W_OK) says yes to root on a read-only mount: create a probe file instead.
    const fs::path probe = temporaryName(path, "probe");
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        failPath(path, "cannot create files in folder " + dir.string() + " (" + describeErrno(errno) + ")");
    ::close(fd);
    ::unlink(probe.c_str());
}

PendingOutput::PendingOutput(fs::path path, OutputPolicy policy)
    : path_(std::move(path)), policy_(std::move(policy))
{
    checkOutputPath(path_, policy_);
    tmp_ = temporaryName(path_, "tmp");
    slot_ = registerTemporary(tmp_);
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        const int error = errno;
        releaseTemporary(slot_);
        failPath(path_, "cannot create (" + describeErrno(error) + ")");
    }
}

PendingOutput::PendingOutput(PendingOutput&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::move(other.tmp_)), policy_(std::move(other.policy_)),
      fd_(std::exchange(other.fd_, -1)), slot_(std::exchange(other.slot_, -1)),
      committed_(std::exchange(other.committed_, true))
{
}

PendingOutput::~PendingOutput()
{
    discard();
}

void PendingOutput::discard() noexcept
{
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (!committed_ && !tmp_.empty())
        ::unlink(tmp_.c_str());
    committed_ = true;
    releaseTemporary(std::exchange(slot_, -1));
}

void PendingOutput::write(std::string_view bytes)
{
    if (fd_ < 0)
        throw std::logic_error("PendingOutput::write after commit");
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string why = describeErrno(errno);
            discard();
            failPath(path_, "write failed (" + why + ")");
        }
        written += static_cast<std::size_t>(n);
    }
}

void PendingOutput::commit()
{
    if (fd_ < 0)
        throw std::logic_error("PendingOutput::commit twice");
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
        fd_ = -1;
        const std::string why = describeErrno(errno);
        discard();
        failPath(path_, "write failed (" + why + ")");
    }
    fd_ = -1;
    try {
        checkTarget(path_, policy_);
    } catch (...) {
        discard();
        throw;
    }
    if (policy_.overwrite == Overwrite::Refuse) {
        // link() fails if the target appeared meanwhile: no silent overwrite in a race.
        if (::link(tmp_.c_str(), path_.c_str()) != 0) {
            const int error = errno;
            discard();
            failPath(path_, error == EEXIST ? "appeared while it was being written; not overwritten"
                                            : "cannot create (" + describeErrno(error) + ")");
        }
        discard(); // removes the temporary name; the target keeps the data
        return;
    }
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
        const std::string why = describeErrno(errno);
        discard();
        failPath(path_, "cannot replace (" + why + ")");
    }
    committed_ = true;
    releaseTemporary(std::exchange(slot_, -1));
}

void writeFileAtomic(const fs::path& path, std::string_view content, const OutputPolicy& policy)
{
    PendingOutput out(path, policy);
    out.write(content);
    out.commit();
}

void writeFileAtomic(const fs::path& path, std::string_view content, Overwrite overwrite)
{
    OutputPolicy policy;
    policy.overwrite = overwrite;
    writeFileAtomic(path, content, policy);
}

void removePendingOutputs() noexcept
{
    for (int i = 0; i < kSlots; ++i)
        if (gSlotState[static_cast<std::size_t>(i)].load() == kReady)
            ::unlink(gSlotPath[static_cast<std::size_t>(i)].data());
}

} // namespace llamascope
