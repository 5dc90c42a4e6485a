#include "simulator/trace/byte_source.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace hs::trace {

namespace {

constexpr std::size_t kChunk = 1024 * 1024;  // compressed input per read(2)

// Raw bytes: a file descriptor, or memory.
class Raw {
public:
    virtual ~Raw() = default;
    // Returns bytes read, 0 at end, -1 on error (message in `error`).
    virtual long read(char* out, std::size_t n, std::string& error) = 0;
};

class FdRaw final : public Raw {
public:
    FdRaw(int fd, bool owned) : fd_(fd), owned_(owned) {}
    ~FdRaw() override {
        if (owned_) ::close(fd_);
    }
    long read(char* out, std::size_t n, std::string& error) override {
        while (true) {
            ssize_t r = ::read(fd_, out, n);
            if (r >= 0) return static_cast<long>(r);
            if (errno == EINTR) continue;
            error = std::string("read error: ") + std::strerror(errno);
            return -1;
        }
    }

private:
    int fd_;
    bool owned_;
};

class MemRaw final : public Raw {
public:
    explicit MemRaw(std::string bytes) : bytes_(std::move(bytes)) {}
    long read(char* out, std::size_t n, std::string&) override {
        std::size_t k = std::min(n, bytes_.size() - pos_);
        std::memcpy(out, bytes_.data() + pos_, k);
        pos_ += k;
        return static_cast<long>(k);
    }

private:
    std::string bytes_;
    std::size_t pos_ = 0;
};

class Source final : public ByteSource {
public:
    Source(std::unique_ptr<Raw> raw, std::string name) : raw_(std::move(raw)) {
        name_ = std::move(name);
        in_.resize(kChunk);
        // Peek at the first bytes to tell gzip from plain text.
        fill();
        gzip_ = inLen_ - inPos_ >= 2 && static_cast<unsigned char>(in_[inPos_]) == 0x1f &&
            static_cast<unsigned char>(in_[inPos_ + 1]) == 0x8b;
        if (gzip_) {
            std::memset(&z_, 0, sizeof z_);
            if (inflateInit2(&z_, 15 + 16) != Z_OK) {
                error_ = "cannot start gzip decompression";
                done_ = true;
            }
            zInit_ = true;
        }
    }
    ~Source() override {
        if (zInit_) inflateEnd(&z_);
    }

    bool compressed() const override { return gzip_; }
    const std::string& error() const override { return error_; }

    std::size_t read(char* out, std::size_t n) override {
        if (done_ || n == 0) return 0;
        return gzip_ ? readGzip(out, n) : readPlain(out, n);
    }

private:
    // Refills `in_` when it is used up; false at the end of the raw input (or on error).
    bool fill() {
        if (inPos_ < inLen_) return true;
        if (rawEnd_) return false;
        long r = raw_->read(in_.data(), in_.size(), error_);
        if (r <= 0) {
            rawEnd_ = true;
            inPos_ = inLen_ = 0;
            return false;
        }
        inPos_ = 0;
        inLen_ = static_cast<std::size_t>(r);
        return true;
    }

    std::size_t readPlain(char* out, std::size_t n) {
        if (inPos_ == inLen_ && !rawEnd_ && n >= in_.size() / 2) {
            // a big read with nothing buffered: straight into the caller's buffer (one copy less)
            long r = raw_->read(out, n, error_);
            if (r <= 0) {
                rawEnd_ = done_ = true;
                return 0;
            }
            return static_cast<std::size_t>(r);
        }
        if (!fill()) {
            done_ = true;
            return 0;
        }
        std::size_t k = std::min(n, inLen_ - inPos_);
        std::memcpy(out, in_.data() + inPos_, k);
        inPos_ += k;
        return k;
    }

    std::size_t readGzip(char* out, std::size_t n) {
        z_.next_out = reinterpret_cast<Bytef*>(out);
        z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, UINT32_MAX));
        while (z_.avail_out > 0) {
            if (betweenMembers_) {
                // After a member: more data is another member (gzip allows concatenation);
                // zero padding (tar-style) ends the stream quietly; anything else is garbage.
                if (!fill()) {
                    done_ = true;
                    break;
                }
                unsigned char c = static_cast<unsigned char>(in_[inPos_]);
                if (c == 0) {
                    ++inPos_;
                    continue;
                }
                if (c != 0x1f) {
                    error_ = "bytes after the end of the gzip stream are not gzip: ignored";
                    done_ = true;
                    break;
                }
                inflateReset(&z_);
                betweenMembers_ = false;
            }
            if (!fill()) {
                if (error_.empty())
                    error_ =
                        "the file ends inside the gzip stream (truncated download or copy?); everything before that point was read";
                done_ = true;
                break;
            }
            z_.next_in = reinterpret_cast<Bytef*>(in_.data() + inPos_);
            z_.avail_in = static_cast<uInt>(inLen_ - inPos_);
            int rc = inflate(&z_, Z_NO_FLUSH);
            inPos_ = inLen_ - z_.avail_in;
            if (rc == Z_STREAM_END) {
                betweenMembers_ = true;
                continue;
            }
            if (rc == Z_BUF_ERROR) continue;  // needs more input: fill() above
            if (rc != Z_OK) {
                error_ = std::string("corrupt gzip data (") + (z_.msg ? z_.msg : "inflate error") +
                    "); everything before that point was read";
                done_ = true;
                break;
            }
        }
        return static_cast<std::size_t>(reinterpret_cast<char*>(z_.next_out) - out);
    }

    std::unique_ptr<Raw> raw_;
    std::vector<char> in_;
    std::size_t inPos_ = 0, inLen_ = 0;
    bool rawEnd_ = false;
    bool gzip_ = false;
    bool zInit_ = false;
    bool betweenMembers_ = false;
    bool done_ = false;
    z_stream z_{};
    std::string error_;
};

}  // namespace

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path, std::string& error) {
    if (path == "-") return std::make_unique<Source>(std::make_unique<FdRaw>(0, false), "<stdin>");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return nullptr;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return std::make_unique<Source>(std::make_unique<FdRaw>(fd, true), path);
}

std::unique_ptr<ByteSource> ByteSource::fromMemory(std::string bytes, std::string name) {
    return std::make_unique<Source>(std::make_unique<MemRaw>(std::move(bytes)), std::move(name));
}

}  // namespace hs::trace
