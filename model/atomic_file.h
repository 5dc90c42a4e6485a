#pragma once
// Writing a file so that it is either fully replaced or left as it was: the new contents go to a
// temporary file in the same folder, which is flushed to disk (fsync) and then renamed over the
// target (rename(2) is atomic within a file system). A failed write — a full disk, a file size
// limit, a vanished folder — removes the temporary file and leaves the old file untouched.
//
// Every file Hopscope writes for the user (snapshots, reports, decision logs, exported
// configurations, edited manifests, settings) goes through here. Errors are values: a message
// naming the file and the reason, never an exception.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace hs::model {

// An empty `error` means success.
struct FileWriteResult {
    std::string error;
    bool ok() const { return error.empty(); }
    explicit operator bool() const { return ok(); }
};

// A file being written. Write through stream(); nothing is visible at `path` until commit()
// succeeds. Destroying an uncommitted AtomicFile discards what was written. Not thread-safe.
class AtomicFile {
public:
    // Creates the temporary file next to `path`. A replaced file keeps its permission bits; a
    // new one gets 0666 minus the umask (like std::ofstream would).
    explicit AtomicFile(std::filesystem::path path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Why the temporary file could not be created; empty when it was.
    const std::string& openError() const { return openError_; }
    bool isOpen() const { return openError_.empty() && !done_; }
    std::ostream& stream() { return out_; }
    const std::filesystem::path& path() const { return path_; }

    // Flushes, syncs and renames the temporary file over the target. On failure the target is
    // unchanged and the temporary file removed. Call at most once.
    FileWriteResult commit();
    // Drops what was written (also what the destructor does when commit() was not called).
    void discard();

private:
    class FdBuf;  // a streambuf over the temporary file's descriptor that keeps errno of a failed write
    std::filesystem::path path_;
    std::filesystem::path tmp_;
    std::unique_ptr<FdBuf> buf_;
    std::ostream out_{nullptr};
    std::string openError_;
    bool done_ = false;
};

// Writes `contents` to `path` atomically (see above).
FileWriteResult writeFileAtomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace hs::model
