#pragma once
// A format-neutral document tree (what YAML and JSON both are once parsed), with the 1-based
// position of every node. Manifest decoding works on this tree, so one decoder per kind serves
// YAML files, JSON files and API responses alike.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs::model {

struct Mark {
    std::uint32_t line = 0;  // 1-based, 0 = unknown
    std::uint32_t col = 0;
};

// What a scalar means once YAML's (1.1, as Kubernetes' decoder reads it) plain-scalar rules or
// JSON's literal types have been applied.
enum class ScalarType : std::uint8_t { String, Int, Float, Bool, Null };

struct DocNode {
    enum class Type : std::uint8_t { Null, Scalar, Sequence, Map };

    // Declared here, defaulted in doc.cpp: clang (14, with libstdc++ 12 in C++20) instantiates the
    // inline implicit ones while DocNode is still incomplete inside `members`' pair, and rejects
    // the header (found building the fuzz targets, tests/fuzz).
    DocNode();
    DocNode(const DocNode&);
    DocNode(DocNode&&) noexcept;
    DocNode& operator=(const DocNode&);
    DocNode& operator=(DocNode&&) noexcept;
    ~DocNode();

    Type type = Type::Null;
    ScalarType scalarType = ScalarType::Null;
    Mark mark;
    std::string scalar;  // the text of a scalar (for JSON strings: unescaped)
    std::vector<DocNode> items;  // Sequence
    std::vector<std::pair<std::string, DocNode>> members;  // Map, in document order

    bool isNull() const { return type == Type::Null; }
    bool isScalar() const { return type == Type::Scalar; }
    bool isMap() const { return type == Type::Map; }
    bool isSequence() const { return type == Type::Sequence; }

    // Member lookup; nullptr when this is not a map or has no such key.
    const DocNode* find(std::string_view key) const;
    // Convenience for nested lookups: get({"metadata", "name"}).
    const DocNode* get(std::initializer_list<std::string_view> path) const;
    // The scalar text when this is a scalar, else empty.
    std::string_view text() const { return type == Type::Scalar ? std::string_view(scalar) : std::string_view(); }
};

// YAML 1.1 plain scalar resolution as go-yaml v2 (used by kubectl and the API server's YAML
// decoder) applies it: `yes`/`on` are booleans, `0x1F` is an int, `~` is null.
ScalarType resolvePlainScalar(std::string_view text);

}  // namespace hs::model
