#include "model/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hs::model {

namespace {

std::string describe(const std::filesystem::path& p, const char* what, int err) {
    return "cannot write " + p.string() + ": " + what + (err ? std::string(": ") + std::strerror(err) : std::string());
}

// fsync of a file (or folder) by name; returns errno, 0 on success.
int syncPath(const std::filesystem::path& p, int flags) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC);
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

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
    std::filesystem::path dir = path_.parent_path();
    if (dir.empty()) dir = ".";
    struct stat st{};
    if (::stat(path_.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            openError_ = describe(path_, "it is a folder", 0);
            return;
        }
        mode_ = st.st_mode & 07777;
    } else {
        mode_ = 0666 & ~currentUmask();
    }
    // mkstemp picks a name nobody else uses (two writers of one target never share a temp file).
    std::string templ = (dir / ("." + path_.filename().string() + ".hopscope-XXXXXX")).string();
    int fd = ::mkstemp(templ.data());
    if (fd < 0) {
        openError_ = describe(path_, "cannot create a temporary file in its folder", errno);
        return;
    }
    ::fchmod(fd, static_cast<mode_t>(mode_));
    ::close(fd);
    tmp_ = templ;
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) {
        int err = errno;
        std::error_code ec;
        std::filesystem::remove(tmp_, ec);
        openError_ = describe(path_, "cannot open the temporary file", err);
    }
}

AtomicFile::~AtomicFile() {
    if (!done_) discard();
}

void AtomicFile::discard() {
    if (done_) return;
    done_ = true;
    if (out_.is_open()) out_.close();
    if (!tmp_.empty()) {
        std::error_code ec;
        std::filesystem::remove(tmp_, ec);
    }
}

FileWriteResult AtomicFile::commit() {
    if (!openError_.empty()) return {openError_};
    if (done_) return {describe(path_, "already committed or discarded", 0)};
    errno = 0;
    out_.flush();
    out_.close();  // sets failbit when the final write fails
    if (!out_) {
        int err = errno;
        discard();
        return {describe(path_, "writing failed (the old file, if any, is unchanged)", err)};
    }
    if (int e = syncPath(tmp_, O_RDONLY)) {
        discard();
        return {describe(path_, "syncing to disk failed (the old file, if any, is unchanged)", e)};
    }
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
        discard();
        return {"cannot write " + path_.string() + ": cannot replace it: " + ec.message()};
    }
    done_ = true;
    // The rename itself is durable once the folder is synced; failing that is not worth an error
    // (the new contents are complete either way).
    std::filesystem::path dir = path_.parent_path();
    syncPath(dir.empty() ? std::filesystem::path(".") : dir, O_RDONLY | O_DIRECTORY);
    return {};
}

FileWriteResult writeFileAtomic(const std::filesystem::path& path, std::string_view contents) {
    AtomicFile f(path);
    if (!f.openError().empty()) return {f.openError()};
    f.stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
    return f.commit();
}

}  // namespace hs::model
