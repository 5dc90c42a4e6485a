#pragma once
// ByteSource: the bytes of a trace file, decompressed on the fly when they are gzip (detected by
// the magic bytes, not the file name; concatenated gzip members are read one after another).
// Memory stays constant whatever the file size: one input chunk and zlib's window.
//
// A damaged gzip stream is not fatal to what came before it: read() returns everything that
// could be decompressed, then 0, and error() says what went wrong ("the file ends inside the gzip
// stream (truncated?)"), so callers keep their partial results.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace hs::trace {

class ByteSource {
public:
    virtual ~ByteSource() = default;

    // Opens a file, or standard input for "-". Returns nullptr and sets `error` when the file
    // cannot be opened.
    static std::unique_ptr<ByteSource> open(const std::string& path, std::string& error);
    // A source over bytes in memory (tests, embedded traces). The bytes are copied.
    static std::unique_ptr<ByteSource> fromMemory(std::string bytes, std::string name = "<memory>");

    // Reads up to `n` decompressed bytes into `out`. Returns 0 at the end of the input, or after
    // an error (then error() is non-empty).
    virtual std::size_t read(char* out, std::size_t n) = 0;

    virtual bool compressed() const = 0;
    // Empty after a clean end of input; else why reading stopped early.
    virtual const std::string& error() const = 0;
    const std::string& name() const { return name_; }

protected:
    std::string name_;
};

}  // namespace hs::trace
