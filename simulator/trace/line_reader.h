#pragma once
// LineReader: lines of a ByteSource with a bounded buffer. A line longer than the limit is never
// held in memory: it is skipped as it streams past and reported (TooLong, with its length), so a
// 1 GB line costs one buffer, not 1 GB. Lines end at '\n'; a '\r' before it is dropped; the last
// line may lack its '\n'.

#include "simulator/trace/byte_source.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace hs::trace {

class LineReader {
public:
    // Every line view handed out is followed by at least this many readable bytes (simdjson
    // parses JSON Lines in place).
    static constexpr std::size_t kPadding = 64;
    static constexpr std::size_t kDefaultMaxLine = std::size_t{1} << 20;

    explicit LineReader(ByteSource& source, std::size_t maxLineBytes = kDefaultMaxLine);

    enum class Status { Line, TooLong, End };
    // The next line. The view stays valid until the next call to next(), peek() or readRaw().
    Status next(std::string_view& line);
    // 1-based number of the line next() returned last (also for TooLong).
    std::uint64_t lineNumber() const { return lineNo_; }
    // Length in bytes of the line skipped by the last TooLong.
    std::uint64_t skippedLength() const { return skipped_; }
    std::size_t maxLineBytes() const { return maxLine_; }

    // Up to `maxLines` complete lines from the current position, without consuming them (format
    // detection). Looks at most at the first `maxBytes` bytes.
    std::vector<std::string_view> peek(std::size_t maxLines, std::size_t maxBytes = 256 * 1024);

    // Raw bytes from the current position (buffered ones first): for readers that are not
    // line-based (HAR). Returns 0 at the end.
    std::size_t readRaw(char* out, std::size_t n);

    const ByteSource& source() const { return src_; }

private:
    bool fillMore();  // reads more input after end_, compacting first; false at end of input

    ByteSource& src_;
    std::size_t maxLine_;
    std::vector<char> buf_;
    std::size_t pos_ = 0, end_ = 0;
    bool eof_ = false;
    std::uint64_t lineNo_ = 0;
    std::uint64_t skipped_ = 0;
};

}  // namespace hs::trace
