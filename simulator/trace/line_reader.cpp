#include "simulator/trace/line_reader.h"

#include <algorithm>
#include <cstring>

namespace hs::trace {

namespace {
constexpr std::size_t kReadChunk = 1024 * 1024;  // one read(2) or inflate() call per MiB
}

LineReader::LineReader(ByteSource& source, std::size_t maxLineBytes)
    : src_(source), maxLine_(std::max<std::size_t>(maxLineBytes, 256)) {
    // Room for one maximal line, one read chunk and the padding after it.
    buf_.resize(maxLine_ + kReadChunk + kPadding);
}

bool LineReader::fillMore() {
    if (eof_) return false;
    if (pos_ > 0 && (buf_.size() - kPadding - end_) < kReadChunk) {
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    std::size_t room = buf_.size() - kPadding - end_;
    if (room == 0) return false;
    std::size_t n = src_.read(buf_.data() + end_, std::min(room, kReadChunk));
    if (n == 0) {
        eof_ = true;
        return false;
    }
    end_ += n;
    return true;
}

LineReader::Status LineReader::next(std::string_view& line) {
    std::size_t scanned = pos_;
    while (true) {
        const char* base = buf_.data();
        const void* nl = scanned < end_ ? std::memchr(base + scanned, '\n', end_ - scanned) : nullptr;
        if (nl) {
            std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
            std::size_t len = at - pos_;
            ++lineNo_;
            if (len > maxLine_) {  // can happen only when the whole line fitted in the slack
                skipped_ = len;
                pos_ = at + 1;
                return Status::TooLong;
            }
            if (len > 0 && base[at - 1] == '\r') --len;
            line = std::string_view(base + pos_, len);
            pos_ = at + 1;
            return Status::Line;
        }
        scanned = end_;
        if (end_ - pos_ > maxLine_) {
            // Too long: drop what is buffered and stream past the rest of the line.
            ++lineNo_;
            std::uint64_t dropped = end_ - pos_;
            pos_ = end_ = 0;
            while (true) {
                if (!fillMore()) {
                    skipped_ = dropped;
                    return Status::TooLong;
                }
                const void* e = std::memchr(buf_.data(), '\n', end_);
                if (e) {
                    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(e) - buf_.data());
                    skipped_ = dropped + at;
                    pos_ = at + 1;
                    return Status::TooLong;
                }
                dropped += end_;
                pos_ = end_ = 0;
            }
        }
        std::size_t before = pos_;
        if (!fillMore()) {
            if (end_ > pos_) {  // the last line has no '\n'
                ++lineNo_;
                std::size_t len = end_ - pos_;
                if (len > 0 && buf_[end_ - 1] == '\r') --len;
                line = std::string_view(buf_.data() + pos_, len);
                pos_ = end_;
                return Status::Line;
            }
            return Status::End;
        }
        scanned -= before - pos_;  // compaction moved the bytes
    }
}

std::vector<std::string_view> LineReader::peek(std::size_t maxLines, std::size_t maxBytes) {
    maxBytes = std::min(maxBytes, maxLine_);
    while (end_ - pos_ < maxBytes && fillMore()) {}
    std::vector<std::string_view> out;
    std::size_t p = pos_;
    std::size_t limit = std::min(end_, pos_ + maxBytes);
    while (out.size() < maxLines && p < limit) {
        const void* nl = std::memchr(buf_.data() + p, '\n', limit - p);
        std::size_t at = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) : limit;
        if (!nl && !(eof_ && limit == end_)) break;  // incomplete line
        std::size_t len = at - p;
        if (len > 0 && buf_[p + len - 1] == '\r') --len;
        out.emplace_back(buf_.data() + p, len);
        p = at + 1;
    }
    return out;
}

std::size_t LineReader::readRaw(char* out, std::size_t n) {
    if (pos_ < end_) {
        std::size_t k = std::min(n, end_ - pos_);
        std::memcpy(out, buf_.data() + pos_, k);
        pos_ += k;
        return k;
    }
    if (eof_) return 0;
    std::size_t k = src_.read(out, n);
    if (k == 0) eof_ = true;
    return k;
}

}  // namespace hs::trace
