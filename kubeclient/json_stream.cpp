#include "kubeclient/json_stream.h"

#include <simdjson.h>

#include <charconv>

namespace hs::kube {

namespace {
bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
}  // namespace

// ---- JsonValueScanner -------------------------------------------------------------------------

void JsonValueScanner::reset() { *this = JsonValueScanner{}; }

std::size_t JsonValueScanner::scan(std::string_view d, std::size_t i) {
    const std::size_t n = d.size();
    if (!started_) {
        while (i < n && isSpace(d[i])) ++i;
        if (i >= n) return std::string_view::npos;
        started_ = true;
        start_ = i;
        char c = d[i];
        if (c == '{' || c == '[') {
            depth_ = 1;
        } else if (c == '"') {
            inString_ = true;
        } else {
            scalar_ = true;
        }
        ++i;
    }
    if (scalar_) {
        for (; i < n; ++i) {
            char c = d[i];
            if (isSpace(c) || c == ',' || c == '}' || c == ']') return i;
        }
        return std::string_view::npos;
    }
    for (; i < n; ++i) {
        char c = d[i];
        if (inString_) {
            if (escape_) {
                escape_ = false;
            } else if (c == '\\') {
                escape_ = true;
            } else if (c == '"') {
                inString_ = false;
                if (depth_ == 0) return i + 1;  // a top-level string
            }
            continue;
        }
        switch (c) {
        case '"': inString_ = true; break;
        case '{':
        case '[': ++depth_; break;
        case '}':
        case ']':
            if (--depth_ == 0) return i + 1;
            break;
        default: break;
        }
    }
    return std::string_view::npos;
}

// ---- JsonValueFramer -------------------------------------------------------------------------

void JsonValueFramer::reset() {
    buf_.clear();
    pos_ = 0;
    scanner_.reset();
}

bool JsonValueFramer::midValue() const { return scanner_.started(); }

Result<void> JsonValueFramer::feed(std::string_view bytes, const std::function<void(std::string_view)>& sink) {
    buf_.append(bytes);
    std::size_t consumed = 0;
    while (true) {
        std::size_t end = scanner_.scan(buf_, pos_);
        if (end == std::string_view::npos) {
            pos_ = buf_.size();
            break;
        }
        std::size_t start = scanner_.start();
        sink(std::string_view(buf_).substr(start, end - start));
        scanner_.reset();
        pos_ = end;
        consumed = end;
    }
    if (consumed > 0) {
        buf_.erase(0, consumed);
        pos_ -= consumed;
        if (scanner_.started()) {
            // The scanner keeps offsets into the buffer; they shifted with the erase. Rescan the
            // (small) incomplete tail from its start.
            scanner_.reset();
            pos_ = 0;
            std::size_t end = scanner_.scan(buf_, 0);
            (void)end;  // cannot complete: it did not before the erase
            pos_ = buf_.size();
        }
    } else if (!scanner_.started()) {
        buf_.clear();  // only whitespace so far
        pos_ = 0;
    }
    if (buf_.size() > max_)
        return makeError(ErrorCode::Protocol, "a watch event larger than " + std::to_string(max_ >> 20) + " MiB");
    return {};
}

// ---- ListStreamSplitter --------------------------------------------------------------------

Result<void> ListStreamSplitter::fail(const std::string& why) const {
    return makeError(ErrorCode::Protocol, "malformed list response: " + why);
}

std::string_view ListStreamSplitter::member(std::string_view key) const {
    auto it = members_.find(key);
    return it == members_.end() ? std::string_view() : std::string_view(it->second);
}

Result<void> ListStreamSplitter::finish() const {
    if (state_ != State::Done) return fail("the response ended early (truncated)");
    return {};
}

Result<void> ListStreamSplitter::feed(std::string_view bytes, const std::function<void(std::string_view)>& onItem) {
    buf_.append(bytes);
    std::size_t i = pos_;
    const std::size_t n = buf_.size();
    std::size_t keep = std::string::npos;  // earliest offset still needed
    while (i < n) {
        char c = buf_[i];
        switch (state_) {
        case State::BeforeRoot:
            if (isSpace(c)) {
                ++i;
            } else if (c == '{') {
                state_ = State::ExpectKey;
                ++i;
            } else {
                return fail("expected '{'");
            }
            break;
        case State::ExpectKey:
            if (isSpace(c) || c == ',') {
                ++i;
            } else if (c == '"') {
                state_ = State::InKey;
                key_.clear();
                keyEscape_ = false;
                ++i;
            } else if (c == '}') {
                state_ = State::Done;
                ++i;
            } else {
                return fail("expected a member name");
            }
            break;
        case State::InKey:
            if (keyEscape_) {
                key_.push_back(c);
                keyEscape_ = false;
            } else if (c == '\\') {
                keyEscape_ = true;
            } else if (c == '"') {
                state_ = State::ExpectColon;
            } else {
                key_.push_back(c);
            }
            ++i;
            break;
        case State::ExpectColon:
            if (isSpace(c)) {
                ++i;
            } else if (c == ':') {
                state_ = key_ == "items" ? State::ExpectItemsOpen : State::ExpectValue;
                ++i;
            } else {
                return fail("expected ':'");
            }
            break;
        case State::ExpectValue:
            if (isSpace(c)) {
                ++i;
                break;
            }
            scanner_.reset();
            valueStart_ = i;
            state_ = State::InValue;
            [[fallthrough]];
        case State::InValue: {
            std::size_t end = scanner_.scan(buf_, i);
            if (end == std::string::npos) {
                i = n;
                keep = valueStart_;
                break;
            }
            members_[key_] = buf_.substr(scanner_.start(), end - scanner_.start());
            state_ = State::AfterMember;
            i = end;
            break;
        }
        case State::ExpectItemsOpen:
            if (isSpace(c)) {
                ++i;
            } else if (c == '[') {
                state_ = State::ExpectItem;
                ++i;
            } else if (c == 'n') {  // "items": null (an empty list from some servers)
                scanner_.reset();
                valueStart_ = i;
                state_ = State::InValue;
            } else {
                return fail("expected '[' after \"items\"");
            }
            break;
        case State::ExpectItem:
            if (isSpace(c) || c == ',') {
                ++i;
            } else if (c == ']') {
                state_ = State::AfterMember;
                ++i;
            } else {
                scanner_.reset();
                valueStart_ = i;
                state_ = State::InItem;
            }
            break;
        case State::InItem: {
            std::size_t end = scanner_.scan(buf_, i);
            if (end == std::string::npos) {
                i = n;
                keep = valueStart_;
                break;
            }
            ++items_;
            onItem(std::string_view(buf_).substr(scanner_.start(), end - scanner_.start()));
            state_ = State::ExpectItem;
            i = end;
            break;
        }
        case State::AfterItem:
        case State::AfterMember:
            if (isSpace(c)) {
                ++i;
            } else if (c == ',') {
                state_ = State::ExpectKey;
                ++i;
            } else if (c == '}') {
                state_ = State::Done;
                ++i;
            } else {
                return fail("expected ',' or '}'");
            }
            break;
        case State::Done:
            if (!isSpace(c)) return fail("data after the end of the list");
            ++i;
            break;
        }
    }
    // Drop what is no longer needed, keeping an incomplete value's bytes. The scanner's state is
    // position-independent except for start(), which is re-based below.
    std::size_t drop = keep == std::string::npos ? n : keep;
    if (drop > 0) {
        buf_.erase(0, drop);
        if (keep != std::string::npos) {
            // Re-scan the incomplete value from its (new) start so offsets stay consistent.
            scanner_.reset();
            valueStart_ = 0;
            std::size_t end = scanner_.scan(buf_, 0);
            (void)end;
        }
    }
    pos_ = buf_.size();
    if (buf_.size() > max_) return fail("a list item larger than " + std::to_string(max_ >> 20) + " MiB");
    return {};
}

// ---- simdjson -> DocNode ------------------------------------------------------------------------

void toDocNode(const simdjson::dom::element& e, model::DocNode& out) {
    using model::DocNode;
    using model::ScalarType;
    switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
        out.type = DocNode::Type::Map;
        simdjson::dom::object obj = e.get_object().value_unsafe();
        out.members.reserve(obj.size());
        for (auto field : obj) {
            out.members.emplace_back(std::string(field.key), DocNode{});
            toDocNode(field.value, out.members.back().second);
        }
        break;
    }
    case simdjson::dom::element_type::ARRAY: {
        out.type = DocNode::Type::Sequence;
        simdjson::dom::array arr = e.get_array().value_unsafe();
        out.items.resize(arr.size());
        std::size_t i = 0;
        for (auto item : arr) toDocNode(item, out.items[i++]);
        break;
    }
    case simdjson::dom::element_type::STRING:
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::String;
        out.scalar.assign(e.get_string().value_unsafe());
        break;
    case simdjson::dom::element_type::INT64: {
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::Int;
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, e.get_int64().value_unsafe());
        out.scalar.assign(buf, r.ptr);
        break;
    }
    case simdjson::dom::element_type::UINT64: {
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::Int;
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, e.get_uint64().value_unsafe());
        out.scalar.assign(buf, r.ptr);
        break;
    }
    case simdjson::dom::element_type::DOUBLE: {
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::Float;
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, e.get_double().value_unsafe());
        out.scalar.assign(buf, r.ptr);
        break;
    }
    case simdjson::dom::element_type::BOOL:
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::Bool;
        out.scalar = e.get_bool().value_unsafe() ? "true" : "false";
        break;
    case simdjson::dom::element_type::NULL_VALUE:
        out.type = DocNode::Type::Null;
        out.scalarType = ScalarType::Null;
        break;
    }
}

}  // namespace hs::kube
