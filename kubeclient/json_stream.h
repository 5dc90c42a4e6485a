#pragma once
// Incremental JSON framing for API responses that arrive in chunks:
//  - JsonValueFramer splits a watch stream (one JSON object per event, concatenated; the API
//    server adds a newline but nothing requires it) into complete values, however the bytes are
//    cut into chunks.
//  - ListStreamSplitter walks a list response ({"kind":..., "metadata":{...}, "items":[...]})
//    and hands over each element of `items` as soon as it is complete, so a 10,000-Pod list is
//    decoded one item at a time, in constant memory, while the rest is still on the wire.
// Neither validates JSON beyond what framing needs; the parser of each value does that.
// Not thread-safe: one instance per stream.

#include "kubeclient/result.h"
#include "model/doc.h"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace simdjson::dom {
class element;
}

namespace hs::kube {

// Finds where a JSON value ends. Feed bytes; `end()` reports the offset one past the value once
// it is complete. Scalars at top level end at the first delimiter after them.
class JsonValueScanner {
public:
    void reset();
    // Scans `data[from..]`; returns the offset one past the end of the value, or npos when more
    // bytes are needed. Leading whitespace is skipped (and reported by start()).
    std::size_t scan(std::string_view data, std::size_t from);
    bool started() const { return started_; }
    std::size_t start() const { return start_; }

private:
    int depth_ = 0;
    bool started_ = false;
    bool inString_ = false;
    bool escape_ = false;
    bool scalar_ = false;  // a number or literal at the top of this value
    std::size_t start_ = 0;
};

class JsonValueFramer {
public:
    explicit JsonValueFramer(std::size_t maxValueBytes = std::size_t{64} << 20) : max_(maxValueBytes) {}
    // Calls `sink` for each complete value (a view valid only during the call). Fails when a
    // single value exceeds the limit.
    Result<void> feed(std::string_view bytes, const std::function<void(std::string_view)>& sink);
    // Bytes of an incomplete value are pending (the stream ended mid-event).
    bool midValue() const;
    void reset();

private:
    std::string buf_;
    std::size_t pos_ = 0;
    JsonValueScanner scanner_;
    std::size_t max_;
};

class ListStreamSplitter {
public:
    explicit ListStreamSplitter(std::size_t maxItemBytes = std::size_t{64} << 20) : max_(maxItemBytes) {}
    Result<void> feed(std::string_view bytes, const std::function<void(std::string_view item)>& onItem);
    // Checks that the document ended properly.
    Result<void> finish() const;
    // The raw JSON text of a top-level member other than `items` ("metadata", "kind"), empty if
    // absent.
    std::string_view member(std::string_view key) const;
    std::size_t itemCount() const { return items_; }

private:
    enum class State {
        BeforeRoot,
        ExpectKey,
        InKey,
        ExpectColon,
        ExpectValue,
        InValue,
        ExpectItemsOpen,
        ExpectItem,
        InItem,
        AfterItem,
        AfterMember,
        Done
    };
    Result<void> fail(const std::string& why) const;
    std::string buf_;
    std::size_t pos_ = 0;
    std::size_t valueStart_ = 0;
    State state_ = State::BeforeRoot;
    std::string key_;
    bool keyEscape_ = false;
    JsonValueScanner scanner_;
    std::map<std::string, std::string, std::less<>> members_;
    std::size_t items_ = 0;
    std::size_t max_;
};

// A simdjson DOM element as a DocNode (positions left unknown: live objects have no file). The
// model's decoders work on DocNode, so API objects and manifests share one decoder per kind.
void toDocNode(const simdjson::dom::element& e, model::DocNode& out);

}  // namespace hs::kube
