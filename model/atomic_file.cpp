#include "model/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace hs::model {

namespace {

std::string describe(const std::filesystem::path& p, const char* what, int err) {
    return "cannot write " + p.string() + ": " + what + (err ? std::string(": ") + std::strerror(err) : std::string());
}

// fsync of a folder by name (makes a rename durable); returns errno, 0 on success.
int syncFolder(const std::filesystem::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int rc = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return rc;
}

// The process umask without changing it (umask(2) can only be read by setting it, which races
// with other threads creating files); Linux reports it in /proc/self/status.
unsigned currentUmask() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Umask:", 0) == 0) return static_cast<unsigned>(std::stoul(line.substr(6), nullptr, 8));
    return 022;
}

}  // namespace

// Buffered writes straight to the descriptor, so that the reason of a failure (ENOSPC, EFBIG,
// EIO) is known — std::ofstream loses errno.
class AtomicFile::FdBuf : public std::streambuf {
public:
    explicit FdBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
    ~FdBuf() override { closeFd(); }
    FdBuf(const FdBuf&) = delete;
    FdBuf& operator=(const FdBuf&) = delete;

    int fd() const { return fd_; }
    int error() const { return error_; }
    bool flushBuffer() {
        if (error_) return false;
        bool ok = writeAll(pbase(), static_cast<std::size_t>(pptr() - pbase()));
        setp(buf_, buf_ + sizeof buf_);
        return ok;
    }
    int closeFd() {
        if (fd_ < 0) return 0;
        int rc = ::close(fd_) == 0 ? 0 : errno;
        fd_ = -1;
        return rc;
    }

protected:
    int_type overflow(int_type ch) override {
        if (!flushBuffer()) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (n <= epptr() - pptr()) {
            std::memcpy(pptr(), s, static_cast<std::size_t>(n));
            pbump(static_cast<int>(n));
            return n;
        }
        if (!flushBuffer() || !writeAll(s, static_cast<std::size_t>(n))) return 0;
        return n;
    }
    int sync() override { return flushBuffer() ? 0 : -1; }

private:
    bool writeAll(const char* p, std::size_t n) {
        while (n > 0) {
            ssize_t w = ::write(fd_, p, n);
            if (w < 0) {
                if (errno == EINTR) continue;
                error_ = errno;
                return false;
            }
            p += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    }

    int fd_;
    int error_ = 0;
    char buf_[1 << 16];
};

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
    std::filesystem::path dir = path_.parent_path();
    if (dir.empty()) dir = ".";
    unsigned mode = 0;
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            openError_ = describe(path_, "it is a folder", 0);
            return;
        }
        mode = st.st_mode & 07777;
    } else {
        mode = 0666 & ~currentUmask();
    }
    // mkstemp picks a name nobody else uses (two writers of one target never share a temp file).
    std::string templ = (dir / ("." + path_.filename().string() + ".hopscope-XXXXXX")).string();
    int fd = ::mkostemp(templ.data(), O_CLOEXEC);
    if (fd < 0) {
        openError_ = describe(path_, "cannot create a temporary file in its folder", errno);
        return;
    }
    ::fchmod(fd, static_cast<mode_t>(mode));
    tmp_ = templ;
    buf_ = std::make_unique<FdBuf>(fd);
    out_.rdbuf(buf_.get());
}

AtomicFile::~AtomicFile() {
    if (!done_) discard();
}

void AtomicFile::discard() {
    if (done_) return;
    done_ = true;
    out_.rdbuf(nullptr);
    buf_.reset();  // closes the descriptor
    if (!tmp_.empty()) {
        std::error_code ec;
        std::filesystem::remove(tmp_, ec);
    }
}

FileWriteResult AtomicFile::commit() {
    if (!openError_.empty()) return {openError_};
    if (done_) return {describe(path_, "already committed or discarded", 0)};
    const char* failed = "writing failed (the old file, if any, is unchanged)";
    if (!buf_->flushBuffer() || buf_->error() || !out_) {
        int err = buf_->error();
        discard();
        return {describe(path_, failed, err)};
    }
    if (::fsync(buf_->fd()) != 0) {
        int err = errno;
        discard();
        return {describe(path_, "syncing to disk failed (the old file, if any, is unchanged)", err)};
    }
    if (int err = buf_->closeFd()) {  // network file systems report write errors here
        discard();
        return {describe(path_, failed, err)};
    }
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
        discard();
        return {"cannot write " + path_.string() + ": cannot replace it: " + ec.message()};
    }
    done_ = true;
    out_.rdbuf(nullptr);
    buf_.reset();
    // The rename is durable once the folder is synced; failing that is not worth an error (the
    // new contents are complete either way).
    std::filesystem::path dir = path_.parent_path();
    syncFolder(dir.empty() ? std::filesystem::path(".") : dir);
    return {};
}

FileWriteResult writeFileAtomic(const std::filesystem::path& path, std::string_view contents) {
    AtomicFile f(path);
    if (!f.openError().empty()) return {f.openError()};
    f.stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
    return f.commit();
}

}  // namespace hs::model
