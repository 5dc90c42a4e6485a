#pragma once
// A small streaming JSON writer for stable, documented outputs (Decisions, summaries, graphs).
// Keys are written in the order the caller gives them, so outputs are byte-for-byte reproducible.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hs::model {

class JsonWriter {
public:
    explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view k);

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(bool b);
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(std::uint64_t n);
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
    JsonWriter& value(long long n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(unsigned long long n) { return value(static_cast<std::uint64_t>(n)); }
    JsonWriter& value(double d);
    JsonWriter& null();

    // key + value in one call
    template <class T>
    JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }
    JsonWriter& nullField(std::string_view k) {
        key(k);
        return null();
    }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }
    void clear();

    static void escape(std::string& out, std::string_view s);

private:
    void separator();
    void newline();
    std::string out_;
    std::vector<bool> first_;  // per open container: no element written yet
    bool afterKey_ = false;
    bool pretty_;
};

}  // namespace hs::model
